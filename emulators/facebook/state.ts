/** In-memory emulator state: seed people, tokens, codes, counters, failure rules. */
import { newAccessToken } from "./ids.js";
import type {
  AppUsage,
  BusinessRecord,
  CodeRecord,
  FailureRule,
  Grant,
  PageRecord,
  PersonRecord,
  PostRecord,
  Stats,
  TokenRecord,
  TokenSource,
  TokenType,
} from "./types.js";

export const SHORT_LIVED_SECONDS = 5400;
export const LONG_LIVED_SECONDS = 5183944;
export const DATA_ACCESS_SECONDS = 90 * 24 * 3600;
/** Subcode used when a Page token dies because its person lost the Page role. */
export const LOST_PAGE_ROLE_SUBCODE = 492;

const ALL_TASKS = ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"];

function page(
  id: string,
  name: string,
  category: string,
  tasks: string[],
  instagram?: { id: string; username: string; name: string },
): PageRecord {
  return { id, name, category, tasks: [...tasks], instagram: instagram ? { ...instagram, quotaUsage: 0 } : undefined };
}

export function seedPeople(): PersonRecord[] {
  const bulk: PageRecord[] = [];
  for (let i = 1; i <= 250; i++) {
    const n = String(i).padStart(3, "0");
    bulk.push(page(String(3000000 + i), `Bulk Page ${n}`, "Community", ["ANALYZE", "CREATE_CONTENT"]));
  }
  const echo = page("2000005", "Echo Events", "Event Planner", ALL_TASKS);
  return [
    {
      id: "1000001",
      name: "Alice Admin",
      email: "alice@example.test",
      businesses: [],
      pages: [
        page("2000001", "Alpha Bakery", "Bakery", ALL_TASKS),
        page("2000002", "Beta Books", "Book Store", ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT"]),
        page("2000003", "Gamma Gym", "Gym/Physical Fitness Center", ["ANALYZE", "ADVERTISE"]),
      ],
    },
    { id: "1000002", name: "Bob Bulk", email: undefined, pages: bulk, businesses: [] },
    { id: "1000003", name: "Nina NoPages", email: "nina@example.test", pages: [], businesses: [] },
    {
      id: "1000004",
      name: "Carol Second",
      email: "carol@example.test",
      pages: [page("2000004", "Delta Diner", "Restaurant", ["ANALYZE", "MODERATE", "CREATE_CONTENT", "MANAGE"])],
      businesses: [],
    },
    {
      // Reaches Foxtrot Florist and Golf Garage only through her business portfolio (not in /me/accounts);
      // Echo Events both directly and as a business-owned Page (de-duplicated by the app).
      id: "1000005",
      name: "Dana Agency",
      email: "dana@example.test",
      pages: [echo],
      businesses: [
        {
          id: "4000001",
          name: "Dana Agency Ltd",
          ownedPages: [
            page("2000006", "Foxtrot Florist", "Florist", ALL_TASKS, {
              id: "17841400000000006",
              username: "foxtrotflorist",
              name: "Foxtrot Florist",
            }),
            echo,
          ],
          clientPages: [page("2000007", "Golf Garage", "Automotive Repair Shop", ["ANALYZE", "ADVERTISE"])],
        },
      ],
    },
  ];
}

function emptyStats(): Stats {
  return { graphRequests: 0, byPath: {}, batchRequests: 0, batchedCalls: 0, batchedByPath: {} };
}

export interface IssueInput {
  type: TokenType;
  personId: string;
  pageId?: string | undefined;
  grant: Grant;
  /** Unix seconds, 0 = never. */
  expiresAt: number;
  longLived: boolean;
  source: TokenSource;
}

/** Why a token is unusable, or undefined when it is fine. */
export interface TokenProblem {
  kind: "expired" | "revoked";
  subcode: number;
}

export class EmulatorState {
  people = new Map<string, PersonRecord>();
  tokens = new Map<string, TokenRecord>();
  issued: string[] = [];
  codes = new Map<string, CodeRecord>();
  /** Posts per Page id, newest last. */
  posts = new Map<string, PostRecord[]>();
  stats: Stats = emptyStats();
  failures: FailureRule[] = [];
  nextRuleId = 1;
  appUsage: AppUsage = { call_count: 1, total_cputime: 1, total_time: 1 };
  businessUseCase: unknown = undefined;
  clockOffsetMs = 0;
  /** Per person: when their 90-day data-access grant lapses (unix seconds), renewed by each approval at the dialog. */
  dataAccess = new Map<string, number>();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.people = new Map(seedPeople().map((p) => [p.id, p]));
    this.tokens = new Map();
    this.issued = [];
    this.codes = new Map();
    this.posts = new Map();
    this.stats = emptyStats();
    this.failures = [];
    this.appUsage = { call_count: 1, total_cputime: 1, total_time: 1 };
    this.businessUseCase = undefined;
    this.clockOffsetMs = 0;
    this.dataAccess = new Map();
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  issueToken(input: IssueInput): TokenRecord {
    const issuedAt = this.nowSec();
    const rec: TokenRecord = {
      token: newAccessToken(),
      type: input.type,
      personId: input.personId,
      pageId: input.pageId,
      grant: copyGrant(input.grant),
      issuedAt,
      expiresAt: input.expiresAt,
      dataAccessExpiresAt: this.dataAccessExpiresAt(input.personId),
      longLived: input.longLived,
      valid: true,
      revokedSubcode: undefined,
      source: input.source,
      pageTokens: new Map(),
    };
    this.tokens.set(rec.token, rec);
    this.issued.push(rec.token);
    return rec;
  }

  /** When the person's data access lapses (set to 90 days from now the first time it is asked for). */
  dataAccessExpiresAt(personId: string): number {
    const known = this.dataAccess.get(personId);
    if (known !== undefined) return known;
    const fresh = this.nowSec() + DATA_ACCESS_SECONDS;
    this.dataAccess.set(personId, fresh);
    return fresh;
  }

  dataAccessExpired(personId: string): boolean {
    return this.dataAccessExpiresAt(personId) <= this.nowSec();
  }

  /** An approval at the dialog: renews data access for 90 days (when expired, only `auth_type=reauthorize` does). */
  renewDataAccess(personId: string, reauthorize: boolean): void {
    if (this.dataAccessExpired(personId) && !reauthorize) return;
    this.dataAccess.set(personId, this.nowSec() + DATA_ACCESS_SECONDS);
  }

  problemOf(rec: TokenRecord): TokenProblem | undefined {
    if (!rec.valid) return { kind: "revoked", subcode: rec.revokedSubcode ?? 460 };
    if (rec.expiresAt !== 0 && rec.expiresAt <= this.nowSec()) return { kind: "expired", subcode: 463 };
    return undefined;
  }

  revoke(rec: TokenRecord, subcode: number): void {
    if (!rec.valid) return;
    rec.valid = false;
    rec.revokedSubcode = subcode;
  }

  expire(rec: TokenRecord): void {
    rec.expiresAt = this.nowSec() - 1;
  }

  /** Expire the not-yet-used authorization codes (of one person, or everyone's); returns how many. */
  expireCodes(personId: string | undefined): number {
    let n = 0;
    for (const rec of this.codes.values()) {
      if (rec.used || (personId !== undefined && rec.personId !== personId)) continue;
      rec.expiresAtMs = Math.min(rec.expiresAtMs, this.nowMs() - 1);
      n++;
    }
    return n;
  }

  revokePerson(personId: string, subcode: number): number {
    let n = 0;
    for (const rec of this.tokens.values()) {
      if (rec.personId === personId && rec.valid) {
        this.revoke(rec, subcode);
        n++;
      }
    }
    return n;
  }

  /** Replace a person's Pages; Page tokens of Pages they no longer manage die. */
  replacePages(personId: string, pages: PageRecord[]): void {
    const person = this.people.get(personId);
    if (!person) return;
    person.pages = pages;
    const kept = new Set(pages.map((p) => p.id));
    for (const rec of this.tokens.values()) {
      if (rec.type === "PAGE" && rec.personId === personId && rec.pageId !== undefined && !kept.has(rec.pageId)) {
        this.revoke(rec, LOST_PAGE_ROLE_SUBCODE);
      }
    }
  }

  /** Pages the token's grant gives access to, in the person's order. */
  grantedPages(rec: TokenRecord): PageRecord[] {
    const person = this.people.get(rec.personId);
    if (!person) return [];
    const sel = rec.grant.pages;
    if (sel === "all") return person.pages;
    const ids = new Set(sel);
    return person.pages.filter((p) => ids.has(p.id));
  }

  findPage(personId: string, pageId: string): PageRecord | undefined {
    const person = this.people.get(personId);
    if (!person) return undefined;
    return person.pages.find((p) => p.id === pageId) ?? businessPagesOf(person).find((p) => p.id === pageId);
  }

  findBusiness(personId: string, businessId: string): BusinessRecord | undefined {
    return this.people.get(personId)?.businesses.find((b) => b.id === businessId);
  }

  /** The Page an Instagram account is linked to, among the Pages this person reaches. */
  pageOfInstagram(personId: string, igId: string): PageRecord | undefined {
    const person = this.people.get(personId);
    if (!person) return undefined;
    return [...person.pages, ...businessPagesOf(person)].find((p) => p.instagram?.id === igId);
  }
}

export function businessPagesOf(person: PersonRecord): PageRecord[] {
  return person.businesses.flatMap((b) => [...b.ownedPages, ...b.clientPages]);
}

export function copyGrant(g: Grant): Grant {
  return { scopes: [...g.scopes], declined: [...g.declined], pages: g.pages === "all" ? "all" : [...g.pages] };
}
