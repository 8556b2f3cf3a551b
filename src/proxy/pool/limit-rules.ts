import { readLimitLine, type Level, type LimitLine, type Limits } from '../../config/limit-lines.js';

/**
 * SiliconFlow's documented floor for an account level (docs/siliconflow.md, "Rate limits"): the
 * lowest level's 1,000 RPM and 50,000 TPM for chat models, 2,000 RPM for embeddings. The documented
 * minimum, not a measured value; image, speech, rerank and video models have no documented floor, so
 * a level line leaves them unlimited (an explicit line can limit them).
 */
const LEVEL_LIMITS: Readonly<Record<Level, { chat: Limits; embedding: Limits }>> = {
  L0: { chat: { rpm: 1000, tpm: 50_000, rpd: 0 }, embedding: { rpm: 2000, tpm: 0, rpd: 0 } },
};

/** Embedding models by their names on SiliconFlow (BAAI/bge-m3, netease-youdao/bce-embedding-…, Qwen/Qwen3-Embedding-…). */
const EMBEDDING = /embed|(^|\/)bge-(?!reranker)/i;
/** Models that are not chat models: rerank, images, video, speech. */
const NOT_CHAT = /rerank|kolors|flux|stable-diffusion|qwen-image|wan-ai\/|cosyvoice|sensevoice|fish-speech|moss-ttsd|indextts/i;

/** What a level allows for one model; null = nothing documented for that kind of model. */
function levelLimits(level: Level, model: string): Limits | null {
  if (EMBEDDING.test(model)) return LEVEL_LIMITS[level].embedding;
  return NOT_CHAT.test(model) ? null : LEVEL_LIMITS[level].chat;
}

/** The lines of one account (or of `*`), by how they name the model. */
type ModelLines = {
  exact: Map<string, LimitLine>;
  /** `prefix/*` lines, the longest prefix first (so the most specific matches first). */
  prefixes: { prefix: string; line: LimitLine }[];
  any: LimitLine | null;
};

/** A limit that applies to one account and model, and the line it comes from. */
export type Resolved = { limits: Limits; line: LimitLine };

/**
 * The ACCOUNT_LIMITS lines (already checked and normalised by config/limit-lines.ts) as a lookup:
 * the most specific line for an account and model wins — the account's own lines over `*`'s, and
 * within them an exact model over the longest `prefix/*` over `*`. Built once per settings change.
 */
export class LimitRules {
  private readonly byAccount = new Map<string, ModelLines>();
  private readonly everyAccount: ModelLines = emptyLines();
  readonly lines: readonly LimitLine[];

  constructor(texts: readonly string[]) {
    this.lines = texts.map((t) => readLimitLine(t)).filter((l): l is LimitLine => !('problem' in l));
    for (const line of this.lines) this.add(line);
    for (const lines of [this.everyAccount, ...this.byAccount.values()]) lines.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  get empty(): boolean {
    return this.lines.length === 0;
  }

  /** The limits for this account and model, or null when no line limits it. */
  resolve(account: string, model: string): Resolved | null {
    const line = match(this.byAccount.get(account), model) ?? match(this.everyAccount, model);
    if (!line) return null;
    const limits = typeof line.limits === 'string' ? levelLimits(line.limits, model) : line.limits;
    return limits && { limits, line };
  }

  private add(line: LimitLine): void {
    let lines = line.account === '*' ? this.everyAccount : this.byAccount.get(line.account);
    if (!lines) this.byAccount.set(line.account, (lines = emptyLines()));
    if (line.model === '*') lines.any = line;
    else if (line.model.endsWith('/*')) lines.prefixes.push({ prefix: line.model.slice(0, -1), line });
    else lines.exact.set(line.model, line);
  }
}

function emptyLines(): ModelLines {
  return { exact: new Map(), prefixes: [], any: null };
}

function match(lines: ModelLines | undefined, model: string): LimitLine | null {
  if (!lines) return null;
  const exact = lines.exact.get(model);
  if (exact) return exact;
  for (const p of lines.prefixes) if (model.startsWith(p.prefix)) return p.line;
  return lines.any;
}
