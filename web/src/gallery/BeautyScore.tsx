export function BeautyScore({ score }: { score: number | null }) {
  if (score === null) {
    return (
      <p className="beauty beauty--none" data-testid="beauty">
        Beauty: not rated
      </p>
    );
  }
  return (
    <p className="beauty" data-testid="beauty">
      <span>Beauty: {score}/100</span>
      <meter
        className="beauty__meter"
        min={0}
        max={100}
        low={40}
        high={70}
        optimum={100}
        value={score}
        aria-hidden="true"
      />
    </p>
  );
}
