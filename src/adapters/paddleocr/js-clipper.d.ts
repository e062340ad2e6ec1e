/** js-clipper ships no types: the polygon offsetting that grows a detected text box. */
declare module 'js-clipper' {
  interface IntPoint {
    X: number;
    Y: number;
  }
  const clipper: {
    ClipperOffset: new () => {
      AddPath(path: IntPoint[], joinType: number, endType: number): void;
      Execute(solution: IntPoint[][], delta: number): void;
    };
    JoinType: { jtRound: number };
    EndType: { etClosedPolygon: number };
  };
  export default clipper;
}
