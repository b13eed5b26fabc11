// talisman ships no type declarations; these are the three functions Meridian uses.
declare module 'talisman/phonetics/double-metaphone.js' {
  export default function doubleMetaphone(word: string): [string, string];
}
declare module 'talisman/metrics/jaro-winkler.js' {
  export default function jaroWinkler(a: string, b: string): number;
}
declare module 'talisman/metrics/damerau-levenshtein.js' {
  export default function damerauLevenshtein(a: string, b: string): number;
}
