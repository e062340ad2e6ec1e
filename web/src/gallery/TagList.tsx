/** Tags as buttons: choosing one filters the gallery by it. */
export function TagList({ tags, onPick }: { tags: string[]; onPick(tag: string): void }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label="Tags" data-testid="tags">
      {tags.map((tag) => (
        <li key={tag}>
          <button
            type="button"
            className="tag"
            onClick={() => onPick(tag)}
            aria-label={`Show photos tagged ${tag}`}
          >
            #{tag}
          </button>
        </li>
      ))}
    </ul>
  );
}
