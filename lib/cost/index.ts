/*
 * Monthly cost estimates (npm run cost, the pull-request comment): per stack, from the synthesized
 * configuration or a plan's before and after values, priced by the target's table (Hetzner: live when
 * HCLOUD_TOKEN is set), with stated usage assumptions an environment file's `cost` block overrides.
 */
export * from "./types";
export { assumptionsFor, DEFAULT_ASSUMPTIONS } from "./assumptions";
export { cents, costItem, eur, signedEur, totalOf, HOURS_PER_MONTH, SECONDS_PER_MONTH } from "./arithmetic";
export { costChange, planCostChange } from "./change";
export { costContext } from "./context";
export { estimateStack, type EstimateContext } from "./estimate";
export { DEFAULT_HCLOUD_ENDPOINT, fetchHetznerPrices, hetznerPrices, priceListFromResponse, pricingResponseSchema } from "./hetzner-live";
export { GCP_TABLE, type GcpPriceList } from "./prices/gcp";
export { HETZNER_TABLE, type HetznerPriceList } from "./prices/hetzner";
export { resourcesFromConfig, resourcesFromPlan, type ResourceInput } from "./resources";
export { assumptionLines, assumptionsInline, changeText, stackText } from "./render";
export { costChangeSchema } from "./schema";
