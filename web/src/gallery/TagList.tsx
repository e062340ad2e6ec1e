import { Highlight } from './Highlight';

/** Tags as buttons: choosing one filters the gallery by it; search words are marked. */
export function TagList({
  tags,
  onPick,
  words = [],
}: {
  tags: string[];
  onPick(tag: string): void;
  words?: readonly string[];
}) {
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
            #<Highlight text={tag} words={words} />
          </button>
        </li>
      ))}
    </ul>
  );
}
