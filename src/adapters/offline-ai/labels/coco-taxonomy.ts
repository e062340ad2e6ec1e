/**
 * COCO's 80 detector classes in Rekognition's vocabulary: a Title Case name, the parents Rekognition
 * would list, and where the object is normally found (used to infer Outdoors).
 */
export interface TaxonomyEntry {
  name: string;
  parents: string[];
  /** True for things seen almost only outside (vehicles on roads, livestock, street furniture). */
  outdoor?: boolean;
  /**
   * A family of look-alike classes the detector confuses with each other (a lime scored as apple):
   * several boxes across the family are evidence for the family even when no one class is sure.
   */
  family?: string;
}

const VEHICLE = ['Vehicle', 'Transportation'];
const MAMMAL = ['Animal', 'Mammal'];
const FOOD = ['Food'];
const FRUIT = ['Fruit', 'Food', 'Plant'];
const FURNITURE = ['Furniture'];
const ELECTRONICS = ['Electronics'];
const APPLIANCE = ['Appliance'];
const SPORT = ['Sport', 'Sports Equipment'];
const CUTLERY = ['Cutlery'];

export const COCO_TAXONOMY: Record<string, TaxonomyEntry> = {
  person: { name: 'Person', parents: [] },
  bicycle: { name: 'Bicycle', parents: VEHICLE, outdoor: true },
  car: { name: 'Car', parents: VEHICLE, outdoor: true },
  motorcycle: { name: 'Motorcycle', parents: VEHICLE },
  airplane: { name: 'Airplane', parents: ['Aircraft', ...VEHICLE], outdoor: true },
  bus: { name: 'Bus', parents: VEHICLE, outdoor: true },
  train: { name: 'Train', parents: VEHICLE, outdoor: true },
  truck: { name: 'Truck', parents: VEHICLE, outdoor: true },
  boat: { name: 'Boat', parents: ['Watercraft', ...VEHICLE], outdoor: true },
  'traffic light': { name: 'Traffic Light', parents: ['Light'], outdoor: true },
  'fire hydrant': { name: 'Fire Hydrant', parents: ['Hydrant'], outdoor: true },
  'stop sign': { name: 'Stop Sign', parents: ['Road Sign', 'Sign', 'Symbol'], outdoor: true },
  'parking meter': { name: 'Parking Meter', parents: [], outdoor: true },
  bench: { name: 'Bench', parents: FURNITURE },
  bird: { name: 'Bird', parents: ['Animal'] },
  cat: { name: 'Cat', parents: [...MAMMAL, 'Pet'] },
  dog: { name: 'Dog', parents: [...MAMMAL, 'Pet', 'Canine'] },
  horse: { name: 'Horse', parents: MAMMAL, outdoor: true },
  sheep: { name: 'Sheep', parents: [...MAMMAL, 'Livestock'], outdoor: true },
  cow: { name: 'Cow', parents: [...MAMMAL, 'Livestock', 'Cattle'], outdoor: true },
  elephant: { name: 'Elephant', parents: [...MAMMAL, 'Wildlife'], outdoor: true },
  bear: { name: 'Bear', parents: [...MAMMAL, 'Wildlife'], outdoor: true },
  zebra: { name: 'Zebra', parents: [...MAMMAL, 'Wildlife'], outdoor: true },
  giraffe: { name: 'Giraffe', parents: [...MAMMAL, 'Wildlife'], outdoor: true },
  backpack: { name: 'Backpack', parents: ['Bag', 'Accessories'] },
  umbrella: { name: 'Umbrella', parents: ['Accessories'] },
  handbag: { name: 'Handbag', parents: ['Bag', 'Accessories'] },
  tie: { name: 'Tie', parents: ['Accessories', 'Clothing'] },
  suitcase: { name: 'Suitcase', parents: ['Luggage', 'Bag'] },
  frisbee: { name: 'Frisbee', parents: ['Toy'] },
  skis: { name: 'Skis', parents: SPORT },
  snowboard: { name: 'Snowboard', parents: SPORT },
  'sports ball': { name: 'Ball', parents: SPORT },
  kite: { name: 'Kite', parents: ['Toy'], outdoor: true },
  'baseball bat': { name: 'Baseball Bat', parents: SPORT },
  'baseball glove': { name: 'Baseball Glove', parents: SPORT },
  skateboard: { name: 'Skateboard', parents: SPORT },
  surfboard: { name: 'Surfboard', parents: SPORT, outdoor: true },
  'tennis racket': { name: 'Tennis Racket', parents: SPORT },
  bottle: { name: 'Bottle', parents: [] },
  'wine glass': { name: 'Wine Glass', parents: ['Glass'] },
  cup: { name: 'Cup', parents: [] },
  fork: { name: 'Fork', parents: CUTLERY },
  knife: { name: 'Knife', parents: CUTLERY },
  spoon: { name: 'Spoon', parents: CUTLERY },
  bowl: { name: 'Bowl', parents: [] },
  banana: { name: 'Banana', parents: FRUIT, family: 'Fruit' },
  apple: { name: 'Apple', parents: FRUIT, family: 'Fruit' },
  sandwich: { name: 'Sandwich', parents: FOOD },
  orange: { name: 'Orange', parents: ['Citrus Fruit', ...FRUIT], family: 'Fruit' },
  broccoli: { name: 'Broccoli', parents: ['Vegetable', 'Food', 'Plant'] },
  carrot: { name: 'Carrot', parents: ['Vegetable', 'Food', 'Plant'] },
  'hot dog': { name: 'Hot Dog', parents: FOOD },
  pizza: { name: 'Pizza', parents: FOOD },
  donut: { name: 'Donut', parents: ['Pastry', 'Dessert', ...FOOD] },
  cake: { name: 'Cake', parents: ['Dessert', ...FOOD] },
  chair: { name: 'Chair', parents: FURNITURE },
  couch: { name: 'Couch', parents: FURNITURE },
  'potted plant': { name: 'Potted Plant', parents: ['Plant'] },
  bed: { name: 'Bed', parents: FURNITURE },
  'dining table': { name: 'Dining Table', parents: ['Table', ...FURNITURE] },
  toilet: { name: 'Toilet', parents: [] },
  tv: { name: 'Television', parents: ['Screen', ...ELECTRONICS] },
  laptop: { name: 'Laptop', parents: ['Computer', ...ELECTRONICS] },
  mouse: { name: 'Computer Mouse', parents: ELECTRONICS },
  remote: { name: 'Remote Control', parents: ELECTRONICS },
  keyboard: { name: 'Computer Keyboard', parents: ELECTRONICS },
  'cell phone': { name: 'Mobile Phone', parents: ['Phone', ...ELECTRONICS] },
  microwave: { name: 'Microwave', parents: APPLIANCE },
  oven: { name: 'Oven', parents: APPLIANCE },
  toaster: { name: 'Toaster', parents: APPLIANCE },
  sink: { name: 'Sink', parents: [] },
  refrigerator: { name: 'Refrigerator', parents: APPLIANCE },
  book: { name: 'Book', parents: ['Publication'] },
  clock: { name: 'Clock', parents: [] },
  vase: { name: 'Vase', parents: ['Pottery'] },
  scissors: { name: 'Scissors', parents: [] },
  'teddy bear': { name: 'Teddy Bear', parents: ['Toy'] },
  'hair drier': { name: 'Hair Dryer', parents: APPLIANCE },
  toothbrush: { name: 'Toothbrush', parents: [] },
};
