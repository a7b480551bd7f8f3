import en from '../../lib/i18n/messages/en.json';
import de from '../../lib/i18n/messages/de.json';

/**
 * Finding English catalogue text on a German page (spec §22): the literal pieces of every English message
 * that differs from its German one. Pieces shorter than 5 characters ("(API)", "Day") would match inside
 * other text by chance and are left out, and so are pieces that some German message contains too.
 */

type Tree = { [key: string]: string | Tree };
function leaves(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else leaves(value, name, out);
  }
  return out;
}

/** A piece without the spaces and punctuation (of `edge`) at its ends. */
function stripEdges(piece: string, edge: Set<string>): string {
  let [start, end] = [0, piece.length];
  while (start < end && edge.has(piece[start]!)) start++;
  while (end > start && edge.has(piece[end - 1]!)) end--;
  return piece.slice(start, end);
}

export interface EnglishPieceOptions {
  /** Only messages whose `Namespace.key` matches. Default: every message. */
  keys?: RegExp;
  /**
   * Also the words inside plural and select branches, cutting at arguments, ICU keywords and branch names
   * (`one {`, `totp {`). Without it, messages with plural or select are left out.
   */
  branches?: boolean;
  /** Characters stripped from a piece's ends besides spaces and punctuation, e.g. '"'. */
  extraEdge?: string;
}

export function englishPieces(options: EnglishPieceOptions = {}): string[] {
  const edge = new Set([...' ,.:;()–—-', ...(options.extraEdge ?? '')]);
  const german = leaves(de as Tree);
  const pieces = new Set<string>();
  for (const [key, value] of leaves(en as Tree)) {
    if ((options.keys && !options.keys.test(key)) || german.get(key) === value) continue;
    if (!options.branches && /,\s*(?:plural|select)\s*,/.test(value)) continue;
    const parts = options.branches ? value.split(/[{}#]|\b\w+,\s*(?:plural|select|number)\b|\b[a-z_]+\s*(?=\{)/) : value.split(/\{[^{}]*\}|<\/?\w+>/);
    for (const piece of parts) {
      const text = stripEdges(piece, edge);
      if (text.length >= 5 && /\p{L}/u.test(text) && ![...german.values()].some((g) => g.includes(text))) pieces.add(text);
    }
  }
  return [...pieces];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The pieces that stand in `text` as whole words. */
export function englishIn(pieces: readonly string[], text: string): string[] {
  return pieces.filter((piece) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(piece)}(?![\\p{L}\\p{N}])`, 'u').test(text));
}
