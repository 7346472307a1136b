import { describe, expect, it } from "vitest";
import { capConfirmation } from "./cache";

describe("the cache cap's confirmation", () => {
  it("says Remove only when the cache is larger than the cap", () => {
    expect(capConfirmation(500, 20 * 1024 * 1024).yes).toBe("Set cap");
    expect(capConfirmation(500, 500 * 1024 * 1024).yes).toBe("Set cap");
    const over = capConfirmation(1, 2 * 1024 * 1024);
    expect(over.yes).toBe("Remove");
    expect(over.question).toMatch(/removing the least recently used images first\?$/);
  });
});
