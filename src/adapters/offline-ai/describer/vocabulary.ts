/**
 * How the describer speaks about each label: the noun it uses, what kind of subject it is (which
 * picks the caption template), and true synonyms for tags (`Ocean` → `sea`). Names it does not know
 * are still described, as plain nouns of kind 'object'.
 */
export type SubjectKind = 'person' | 'animal' | 'vehicle' | 'building' | 'food' | 'plant' | 'object';
export type LabelKind = SubjectKind | 'setting' | 'style' | 'generic';

export interface WordEntry {
  noun: string;
  kind: LabelKind;
  synonyms?: string[];
  /** For nouns whose plural is not just +s, or that do not take "a" (sheep, grass). */
  uncountable?: boolean;
}

const entries: Record<string, WordEntry> = {};
function add(kind: LabelKind, names: string[], extra: Omit<WordEntry, 'noun' | 'kind'> = {}): void {
  for (const name of names) entries[name.toLowerCase()] = { noun: name.toLowerCase(), kind, ...extra };
}
function addOne(
  name: string,
  kind: LabelKind,
  extra: Omit<WordEntry, 'noun' | 'kind'> = {},
  noun = name.toLowerCase(),
): void {
  entries[name.toLowerCase()] = { noun, kind, ...extra };
}

// People. The describer never guesses gender or age: 'Man'/'Woman' labels are spoken of as such only if given.
addOne('Person', 'person', { synonyms: ['people'] });
addOne('Human', 'person', { synonyms: ['person'] }, 'person');
add('person', ['Man', 'Woman', 'Child', 'Boy', 'Girl', 'Astronaut', 'Photographer']);

// Animals.
add('animal', [
  'Dog',
  'Cat',
  'Horse',
  'Cow',
  'Elephant',
  'Bear',
  'Zebra',
  'Giraffe',
  'Bird',
  'Jellyfish',
  'Fish',
  'Duck',
  'Goat',
]);
addOne('Sheep', 'animal', { uncountable: true });
addOne('Cattle', 'animal', { uncountable: true });

// Vehicles.
add('vehicle', [
  'Bicycle',
  'Car',
  'Bus',
  'Train',
  'Truck',
  'Boat',
  'Airplane',
  'Rocket',
  'Ship',
  'Sailboat',
  'Van',
]);
addOne('Motorcycle', 'vehicle', { synonyms: ['motorbike'] });
addOne('Bicycle', 'vehicle', { synonyms: ['bike'] });
addOne('Car', 'vehicle', { synonyms: ['automobile'] });
addOne('Airplane', 'vehicle', { synonyms: ['aeroplane', 'aircraft'] });

// Buildings and structures.
add('building', [
  'Lighthouse',
  'Tower',
  'Castle',
  'House',
  'Church',
  'Bridge',
  'Skyscraper',
  'Building',
  'Monument',
  'Temple',
  'Barn',
]);
addOne('Architecture', 'generic');

// Food and drink.
add('food', [
  'Cup',
  'Bowl',
  'Bottle',
  'Banana',
  'Apple',
  'Orange',
  'Sandwich',
  'Broccoli',
  'Carrot',
  'Pizza',
  'Donut',
  'Cake',
  'Wine Glass',
  'Coffee',
  'Fruit',
  'Bread',
  'Lemon',
]);
addOne('Coffee Cup', 'food', { synonyms: ['cup'] });
addOne('Espresso', 'food', { synonyms: ['coffee'] });
addOne('Hot Dog', 'food');
addOne('Dining Table', 'object', { synonyms: ['table'] });

// Plants as subjects.
add('plant', ['Flower', 'Tree', 'Potted Plant', 'Rose', 'Sunflower']);

// Everyday objects (COCO and common Rekognition names).
add('object', [
  'Traffic Light',
  'Fire Hydrant',
  'Stop Sign',
  'Parking Meter',
  'Bench',
  'Backpack',
  'Umbrella',
  'Handbag',
  'Tie',
  'Suitcase',
  'Frisbee',
  'Skis',
  'Snowboard',
  'Ball',
  'Kite',
  'Baseball Bat',
  'Baseball Glove',
  'Skateboard',
  'Surfboard',
  'Tennis Racket',
  'Fork',
  'Knife',
  'Spoon',
  'Chair',
  'Couch',
  'Bed',
  'Toilet',
  'Laptop',
  'Computer Mouse',
  'Remote Control',
  'Computer Keyboard',
  'Microwave',
  'Oven',
  'Toaster',
  'Sink',
  'Refrigerator',
  'Book',
  'Clock',
  'Vase',
  'Teddy Bear',
  'Hair Dryer',
  'Toothbrush',
  'Sign',
  'Camera',
  'Flag',
  'Document',
]);
addOne('Scissors', 'object', { uncountable: true }); // plural-only: "scissors are", never "a scissors"
addOne('Television', 'object', { synonyms: ['tv'] });
addOne('Mobile Phone', 'object', { synonyms: ['phone', 'cell phone'] });
addOne('Face', 'style'); // a face is the person; captions speak of the person, tags keep 'face'
addOne('Portrait', 'style');
addOne('Smile', 'style', { synonyms: ['smiling'] });

// Settings: where the subject is, spoken of in the caption's closing phrase.
add('setting', [
  'Sky',
  'Water',
  'Beach',
  'Coast',
  'Mountain',
  'Lake',
  'River',
  'Forest',
  'Field',
  'Snow',
  'Sunset',
  'Night',
  'Street',
  'City',
  'Road',
  'Garden',
  'Cloud',
  'Dusk',
]);
addOne('Sea', 'setting', { synonyms: ['ocean'] });
addOne('Ocean', 'setting', { synonyms: ['sea'] });
addOne('Grass', 'setting', { uncountable: true });
addOne('Vegetation', 'setting', { uncountable: true, synonyms: ['greenery'] });
addOne('Outdoors', 'setting', { synonyms: ['outdoor'] });
addOne('Indoors', 'setting', { synonyms: ['indoor'] });
addOne('Landscape', 'setting', { synonyms: ['scenery'] });
addOne('Nature', 'setting');
addOne('Dusk', 'setting', { synonyms: ['twilight'] });

// Photographic style.
addOne('Black and White', 'style', { synonyms: ['monochrome', 'black-and-white'] });
addOne('Monochrome', 'style', { synonyms: ['black and white'] });
addOne('Dark', 'style', { synonyms: ['low light'] });
addOne('Noise', 'style', { synonyms: ['noisy'] });
addOne('Bokeh', 'style');

// Categories: true, but too general to be the subject while anything more specific is present.
add('generic', [
  'Animal',
  'Mammal',
  'Pet',
  'Canine',
  'Livestock',
  'Wildlife',
  'Vehicle',
  'Transportation',
  'Watercraft',
  'Aircraft',
  'Furniture',
  'Electronics',
  'Appliance',
  'Accessories',
  'Clothing',
  'Bag',
  'Luggage',
  'Sport',
  'Sports Equipment',
  'Food',
  'Plant',
  'Citrus Fruit',
  'Vegetable',
  'Dessert',
  'Pastry',
  'Cutlery',
  'Head',
  'Photography',
  'Publication',
  'Toy',
  'Pottery',
  'Glass',
  'Table',
  'Screen',
  'Computer',
  'Phone',
  'Light',
  'Hydrant',
  'Road Sign',
  'Symbol',
  'Text',
]);
addOne('Pet', 'generic');

/** What a generic category is called when it has to serve as the subject, and its template. */
export const GENERIC_SUBJECT_KIND: Record<string, SubjectKind> = {
  animal: 'animal',
  mammal: 'animal',
  pet: 'animal',
  livestock: 'animal',
  wildlife: 'animal',
  canine: 'animal',
  vehicle: 'vehicle',
  transportation: 'vehicle',
  watercraft: 'vehicle',
  aircraft: 'vehicle',
  food: 'food',
  dessert: 'food',
  vegetable: 'food',
  'citrus fruit': 'food',
  pastry: 'food',
  plant: 'plant',
  furniture: 'object',
  electronics: 'object',
  appliance: 'object',
  toy: 'object',
};

export function lookUp(labelName: string): WordEntry {
  const key = labelName.trim().toLowerCase();
  return entries[key] ?? { noun: key, kind: 'object' };
}
