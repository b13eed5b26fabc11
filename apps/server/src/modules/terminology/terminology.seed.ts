import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../platform/db';
import { parseRelease, withIcdParents } from './terminology.parsers';
import type { CodeSystemRelease, Concept } from './terminology.store';
import { terminologyStore } from './terminology.store';
import { CVX, ICD_10_CM, KNOWN_CODE_SYSTEMS, LOINC, UCUM } from './terminology.systems';
import { commonUnitConcepts } from './terminology.ucum';

const DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));

/** The code systems Meridian ships, each from a file under data/ (UCUM from its list of common units). */
const SHIPPED: readonly { url: string; file?: string }[] = [
  { url: ICD_10_CM, file: 'icd-10-cm.tsv' },
  { url: LOINC, file: 'loinc.tsv' },
  { url: CVX, file: 'cvx.tsv' },
  { url: UCUM },
];

/** UCUM's release is the specification's version; the list of common units is Meridian's. */
const UCUM_VERSION = '2.1';

let shipped: CodeSystemRelease[] | undefined;

/** The releases Meridian ships, read from data/ once (each file's `# version:` line names its release). */
export function shippedReleases(): CodeSystemRelease[] {
  shipped ??= readShipped();
  return shipped;
}

function readShipped(): CodeSystemRelease[] {
  return SHIPPED.map(({ url, file }): CodeSystemRelease => {
    const known = KNOWN_CODE_SYSTEMS.find((system) => system.url === url)!;
    let concepts: Concept[];
    let version: string;
    if (file) {
      const parsed = parseRelease(readFileSync(`${DATA_DIR}${file}`, 'utf8'), 'tsv');
      if (parsed.skipped.length) throw new Error(`Shipped ${file} has unreadable lines ${parsed.skipped.join(', ')}`);
      if (!parsed.version) throw new Error(`Shipped ${file} has no '# version:' line`);
      // ICD-10-CM parents follow from the codes themselves (E11.65 → E11.6 → E11).
      concepts = url === ICD_10_CM ? withIcdParents(parsed.concepts) : parsed.concepts;
      version = parsed.version;
    } else {
      concepts = commonUnitConcepts();
      version = UCUM_VERSION;
    }
    return {
      url,
      name: known.name,
      title: known.title,
      version,
      source: 'shipped',
      hierarchical: known.hierarchical,
      concepts,
    };
  });
}

/** Meridian's groupings (vital signs, lab panels) by code, kept when an operator imports a full release. */
export function shippedGroups(url: string): Map<string, string[]> {
  const release = shippedReleases().find((candidate) => candidate.url === url);
  const groups = new Map<string, string[]>();
  for (const concept of release?.concepts ?? []) {
    if (concept.properties.groups?.length) groups.set(concept.code, concept.properties.groups);
  }
  return groups;
}

export interface SeedReport {
  loaded: { url: string; version: string; concepts: number }[];
  kept: { url: string; version: string; source: string }[];
}

/**
 * Loads the shipped releases at boot. Idempotent and cheap when nothing changed (one query): a system
 * is (re)loaded when it is missing or holds an older shipped release; an operator's imported release is
 * never replaced by what Meridian ships.
 */
export async function seedTerminology(db: Database): Promise<SeedReport> {
  const report: SeedReport = { loaded: [], kept: [] };
  const releases = shippedReleases();
  await db.asOwner(async (owner) => {
    const stored = new Map((await terminologyStore.listSystems(owner)).map((system) => [system.url, system]));
    for (const release of releases) {
      const current = stored.get(release.url);
      if (current && (current.source === 'imported' || current.version === release.version)) {
        report.kept.push({ url: current.url, version: current.version, source: current.source });
        continue;
      }
      await terminologyStore.replaceRelease(owner, release);
      report.loaded.push({ url: release.url, version: release.version, concepts: release.concepts.length });
    }
  });
  return report;
}
