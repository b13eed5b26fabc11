import type { Database, Queryable } from '../../platform/db';
import { shippedGroups } from './terminology.seed';
import {
  type CodeSystemInfo,
  type CodeSystemRelease,
  type Concept,
  type ConceptProperties,
  terminologyStore,
} from './terminology.store';
import { ICD_10_CM, knownSystem, resolveSystem, UCUM } from './terminology.systems';
import { checkUcum } from './terminology.ucum';
import { resolveValueSet, type ValueSetDefinition } from './terminology.value-sets';

/**
 * Where a call reads from. Outside a transaction leave it out (a pooled connection is used); inside one
 * (a FHIR write hook, a module's `inTransaction`) pass its `tx`, which on PGlite is the only connection.
 */
export interface TerminologyReadOptions {
  tx?: Queryable;
  /** The caller's tenant, when there is one (the tables are shared; this only saves a connection switch). */
  tenantId?: string;
}

export interface LookupResult {
  system: string;
  /** The code system's name (ICD10CM, LOINC, CVX, UCUM, or an imported system's). */
  name: string;
  version: string;
  code: string;
  display: string;
  /** A category or header, not meant to be recorded (ICD-10-CM non-billable codes). */
  abstract: boolean;
  /** Deprecated or retired in this release. */
  inactive: boolean;
  parent?: string;
  /** Direct children's codes (hierarchical systems; at most 100). */
  children: string[];
  properties: ConceptProperties;
}

export interface ValidateCodeResult {
  result: boolean;
  /** Why not, or a warning (an inactive code, a category). */
  message?: string;
  /** The code's display in the code system, when the code is known. */
  display?: string;
  system: string;
  code: string;
  version?: string;
}

export interface ImportInput {
  system: string;
  version: string;
  name?: string;
  title?: string;
  concepts: Concept[];
}

export interface ImportReport {
  system: string;
  version: string;
  concepts: number;
  replaced?: { version: string; source: string; concepts: number };
}

export interface ExpandOptions extends TerminologyReadOptions {
  /** What was typed: code prefix or word prefixes of the display. */
  filter?: string;
  offset?: number;
  count?: number;
}

export interface Expansion {
  valueSet: ValueSetDefinition;
  version?: string;
  total: number;
  offset: number;
  contains: (Concept & { system: string; version: string })[];
}

/** A tenant id that names no tenant: the terminology tables are platform-wide and have no row policy. */
const PLATFORM_READ = '00000000-0000-0000-0000-000000000000';
const MAX_CHILDREN = 100;
const SYSTEMS_TTL_MS = 30_000;
export const MAX_EXPANSION_COUNT = 1000;

function sameDisplay(given: string, actual: string): boolean {
  const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  return normal(given) === normal(actual);
}

/**
 * Code systems and value sets for every module: look a code up, check one, expand a value set (with a
 * text filter, for type-ahead), and load releases. Systems are named by canonical URL; the aliases of
 * terminology.systems.ts (`icd-10-cm`, `loinc`, `cvx`, `ucum`) are accepted too.
 */
export class TerminologyService {
  private cache?: { at: number; systems: Map<string, CodeSystemInfo> };

  constructor(private readonly deps: { db: Database }) {}

  private read<T>(options: TerminologyReadOptions, work: (db: Queryable) => Promise<T>): Promise<T> {
    if (options.tx) return work(options.tx);
    // PGlite: one in-process connection; plain reads of these shared tables (no row policy) need no
    // transaction and no role switch around them, which cost more than the query itself.
    if (this.deps.db.engine === 'pglite') return this.deps.db.asOwner(work);
    // The caller's tenant when known: a pooled connection already set to it needs no switch.
    return this.deps.db.withTenant(options.tenantId ?? PLATFORM_READ, work);
  }

  /**
   * The loaded code systems, remembered for SYSTEMS_TTL_MS: every call needs them and they change only on
   * an import (which drops them here at once; another process's import is seen within the TTL).
   */
  private async loaded(options: TerminologyReadOptions): Promise<Map<string, CodeSystemInfo>> {
    const now = Date.now();
    if (this.cache && now - this.cache.at < SYSTEMS_TTL_MS) return this.cache.systems;
    const list = await this.read(options, (db) => terminologyStore.listSystems(db));
    const systems = new Map(list.map((system) => [system.url, system]));
    this.cache = { at: now, systems };
    return systems;
  }

  /** A concept of a loaded system, or for UCUM any valid unit (listed or not). */
  private async conceptOrUnit(
    db: Queryable,
    url: string,
    code: string,
  ): Promise<Pick<Concept, 'display' | 'abstract' | 'inactive'> | undefined> {
    const concept = await terminologyStore.getConcept(db, url, code);
    if (concept || url !== UCUM) return concept;
    const checked = checkUcum(code);
    return checked.valid ? { display: checked.name, abstract: false, inactive: false } : undefined;
  }

  /** Every loaded code system, with its version and where it came from. */
  async systems(options: TerminologyReadOptions = {}): Promise<CodeSystemInfo[]> {
    return [...(await this.loaded(options)).values()];
  }

  async system(system: string, options: TerminologyReadOptions = {}): Promise<CodeSystemInfo | undefined> {
    return (await this.loaded(options)).get(resolveSystem(system));
  }

  /** A code's display and properties, or undefined when the code (or that version) is not known. */
  async lookup(
    system: string,
    code: string,
    options: TerminologyReadOptions & { version?: string } = {},
  ): Promise<LookupResult | undefined> {
    const url = resolveSystem(system);
    return this.read(options, async (db) => {
      const info = (await this.loaded({ tx: db })).get(url);
      if (options.version && info && info.version !== options.version) return undefined;
      const concept = info ? await terminologyStore.getConcept(db, url, code) : undefined;
      if (!concept) {
        if (url !== UCUM) return undefined;
        // Any valid UCUM expression is a code, listed or not.
        const checked = checkUcum(code);
        if (!checked.valid) return undefined;
        return {
          system: url,
          name: 'UCUM',
          version: info?.version ?? '',
          code,
          display: checked.name,
          abstract: false,
          inactive: false,
          children: [],
          properties: {},
        };
      }
      const children = info!.hierarchical ? await terminologyStore.children(db, url, code, MAX_CHILDREN) : [];
      return {
        system: url,
        name: info!.name,
        version: info!.version,
        code: concept.code,
        display: concept.display,
        abstract: concept.abstract,
        inactive: concept.inactive,
        ...(concept.parent ? { parent: concept.parent } : {}),
        children: children.map((child) => child.code),
        properties: concept.properties,
      };
    });
  }

  /** Whether a code is in a code system (and, when given, whether the display is the code's). */
  async validateCode(
    system: string,
    code: string,
    options: TerminologyReadOptions & { display?: string; version?: string } = {},
  ): Promise<ValidateCodeResult> {
    const url = resolveSystem(system);
    return this.read(options, async (db) => {
      const info = (await this.loaded({ tx: db })).get(url);
      if (!info && url !== UCUM) {
        return { result: false, system: url, code, message: `Code system ${url} is not known to this server` };
      }
      if (options.version && info && info.version !== options.version) {
        return {
          result: false,
          system: url,
          code,
          message: `Version ${options.version} of ${url} is not loaded (loaded: ${info.version})`,
        };
      }
      const found = await this.conceptOrUnit(db, url, code);
      const version = info?.version;
      if (!found) {
        const subset =
          url === ICD_10_CM && info?.source === 'shipped'
            ? ' (this server has only the common codes Meridian ships; import the full ICD-10-CM release to check every code)'
            : '';
        const name = knownSystem(url)?.name ?? url;
        const ucum = url === UCUM ? checkUcum(code) : undefined;
        const message = ucum && !ucum.valid ? ucum.message : `Unknown code '${code}' in ${name}`;
        return { result: false, system: url, code, ...(version ? { version } : {}), message: `${message}${subset}` };
      }
      const base = { system: url, code, display: found.display, ...(version ? { version } : {}) };
      if (options.display !== undefined && !sameDisplay(options.display, found.display)) {
        return { ...base, result: false, message: `Display '${options.display}' is not '${found.display}'` };
      }
      if (found.inactive) return { ...base, result: true, message: `'${code}' is inactive in this release` };
      if (found.abstract) {
        return { ...base, result: true, message: `'${code}' is a category; a more specific code is expected` };
      }
      return { ...base, result: true };
    });
  }

  /** The value set a URL names (Meridian's own, or a code system's implicit `?fhir_vs`), if any. */
  async valueSet(url: string, options: TerminologyReadOptions = {}): Promise<ValueSetDefinition | undefined> {
    const loaded = (await this.systems(options)).map((system) => system.url);
    return resolveValueSet(url, loaded);
  }

  /** Whether a code is in a value set. */
  async validateInValueSet(
    valueSet: ValueSetDefinition,
    system: string | undefined,
    code: string,
    options: TerminologyReadOptions & { display?: string } = {},
  ): Promise<ValidateCodeResult> {
    const url = system ? resolveSystem(system) : valueSet.system;
    if (url !== valueSet.system) {
      return { result: false, system: url, code, message: `${valueSet.url} has no codes from ${url}` };
    }
    const inSystem = await this.validateCode(url, code, options);
    if (!inSystem.result || url === UCUM) {
      // UCUM value sets take any valid unit: the list is what a type-ahead offers, not a limit.
      return inSystem;
    }
    const member = await this.read(options, (db) =>
      terminologyStore.find(db, {
        system: url,
        ...valueSet.constraint,
        codes: valueSet.constraint.codes ? valueSet.constraint.codes.filter((listed) => listed === code) : [code],
        offset: 0,
        count: 1,
        withTotal: false,
      }),
    );
    if (!member.concepts.length) {
      return { ...inSystem, result: false, message: `'${code}' is not in ${valueSet.url}` };
    }
    return { ...inSystem, result: true };
  }

  /** A page of a value set's codes, those matching `filter` first in type-ahead order. */
  async expand(valueSet: ValueSetDefinition, options: ExpandOptions = {}): Promise<Expansion> {
    const offset = options.offset ?? 0;
    const count = Math.min(options.count ?? 100, MAX_EXPANSION_COUNT);
    return this.read(options, async (db) => {
      const info = (await this.loaded({ tx: db })).get(valueSet.system);
      if (!info) return { valueSet, total: 0, offset, contains: [] };
      if (valueSet.constraint.codes && valueSet.constraint.codes.length === 0) {
        return { valueSet, version: info.version, total: 0, offset, contains: [] };
      }
      const found = await terminologyStore.find(db, {
        system: valueSet.system,
        ...valueSet.constraint,
        ...(options.filter ? { text: options.filter } : {}),
        offset,
        count,
        withTotal: true,
        systemSize: info.conceptCount,
      });
      return {
        valueSet,
        version: info.version,
        total: found.total ?? found.concepts.length,
        offset,
        contains: found.concepts.map((concept) => ({ ...concept, system: valueSet.system, version: info.version })),
      };
    });
  }

  /** Type-ahead over one code system: codes starting with `text` or displays with words starting so. */
  async search(system: string, text: string, limit = 20, options: TerminologyReadOptions = {}): Promise<Concept[]> {
    const url = resolveSystem(system);
    const found = await this.read(options, (db) =>
      terminologyStore.find(db, { system: url, text, offset: 0, count: Math.min(limit, 100), withTotal: false }),
    );
    return found.concepts;
  }

  /** Loads a release of a code system, replacing what was loaded (as the schema owner). */
  async load(release: CodeSystemRelease): Promise<void> {
    await this.deps.db.asOwner((db) => terminologyStore.replaceRelease(db, release));
    this.cache = undefined;
  }

  /**
   * Loads an operator's release (`meridian terminology import`): it replaces the loaded one, shipped or
   * imported, and is never replaced by a later boot. Meridian's groupings (vital signs, lab panels) are
   * carried over to the same codes; parents missing from the release are dropped.
   */
  async importRelease(input: ImportInput): Promise<ImportReport> {
    const url = resolveSystem(input.system);
    const known = knownSystem(url);
    const groups = shippedGroups(url);
    const codes = new Set(input.concepts.map((concept) => concept.code));
    const concepts = input.concepts.map((concept): Concept => {
      const shippedGroupsOf = groups.get(concept.code);
      const { parent, ...rest } = concept;
      return {
        ...rest,
        ...(parent && codes.has(parent) && parent !== concept.code ? { parent } : {}),
        properties: { ...concept.properties, ...(shippedGroupsOf ? { groups: shippedGroupsOf } : {}) },
      };
    });
    const previous = await this.system(url);
    await this.load({
      url,
      name: input.name ?? known?.name ?? (url.replace(/^.*[/:]/, '') || url),
      title: input.title ?? known?.title ?? input.name ?? url,
      version: input.version,
      source: 'imported',
      hierarchical: known?.hierarchical ?? concepts.some((concept) => concept.parent),
      concepts,
    });
    return {
      system: url,
      version: input.version,
      concepts: concepts.length,
      ...(previous
        ? { replaced: { version: previous.version, source: previous.source, concepts: previous.conceptCount } }
        : {}),
    };
  }
}
