import { loadConfig } from "../../server/index.js";

const transactions = (env: Record<string, string>) => loadConfig(env).firebase.transactions;

describe("Firestore transaction limits", () => {
  it("default to a 6 s budget of 3 s attempts, within the store's call deadline", () => {
    expect(transactions({})).toEqual({ budgetMs: 6_000, attemptMs: 3_000 });
    expect(transactions({ FIRESTORE_TIMEOUT_MS: "3000" })).toEqual({
      budgetMs: 1_800,
      attemptMs: 1_800,
    });
  });

  it("take the configured values, and refuse a budget the call deadline would cut short", () => {
    expect(
      transactions({
        FIRESTORE_TRANSACTION_BUDGET_MS: "4000",
        FIRESTORE_TRANSACTION_ATTEMPT_MS: "1500",
      }),
    ).toEqual({ budgetMs: 4_000, attemptMs: 1_500 });
    expect(() => loadConfig({ FIRESTORE_TRANSACTION_BUDGET_MS: "10000" })).toThrow(
      /FIRESTORE_TRANSACTION_BUDGET_MS: must be less than FIRESTORE_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ FIRESTORE_TRANSACTION_ATTEMPT_MS: "-1" })).toThrow(
      /FIRESTORE_TRANSACTION_ATTEMPT_MS/,
    );
  });
});
