import { Fragment } from 'react';

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text with every occurrence of the search words marked (case-insensitive, anywhere in a word, as
 * the server's prefix and substring matching finds them; a typo match is found but not marked).
 */
export function Highlight({ text, words }: { text: string; words: readonly string[] }) {
  if (words.length === 0 || !text) return <>{text}</>;
  const pattern = new RegExp(
    `(${[...words]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|')})`,
    'giu',
  );
  const parts = text.split(pattern);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} className="match" data-testid="match">
            {part}
          </mark>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}
