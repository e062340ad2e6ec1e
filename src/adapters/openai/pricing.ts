/**
 * Estimated cost of one call from its token counts. Prices are USD per million tokens, as published
 * for the standard tier; an unknown model (a self-hosted server, a new release) costs 0 unless
 * `PHAROS_OPENAI_PRICE_PER_MTOKENS="input,output"` says otherwise.
 */
export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export const KNOWN_PRICES: Record<string, TokenPrice> = {
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
};

export function priceOf(model: string, override?: TokenPrice): TokenPrice {
  if (override) return override;
  // Dated snapshots (`gpt-4o-mini-2024-07-18`) cost what their family costs.
  const family = Object.keys(KNOWN_PRICES)
    .filter((name) => model === name || model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? KNOWN_PRICES[family]! : { inputPerMillion: 0, outputPerMillion: 0 };
}

export function estimateCostUsd(price: TokenPrice, inputTokens: number, outputTokens: number): number {
  const usd = (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/** Parses `"0.15,0.60"`; null for absent. */
export function parsePriceOverride(value: string | undefined): TokenPrice | undefined {
  if (!value) return undefined;
  const [input, output] = value.split(',').map((v) => Number(v.trim()));
  if (!Number.isFinite(input) || !Number.isFinite(output) || input! < 0 || output! < 0) {
    throw new Error(
      'PHAROS_OPENAI_PRICE_PER_MTOKENS must be "input,output" in USD per million tokens, e.g. "0.15,0.60"',
    );
  }
  return { inputPerMillion: input!, outputPerMillion: output! };
}
