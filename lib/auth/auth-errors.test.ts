import { describe, expect, it } from "vitest";
import { describeAuthError } from "./auth-errors";

/**
 * The error page names the provider whose callback failed: a cancelled TikTok connection used to read "Facebook
 * sign-in was cancelled". Facebook stays the default (it is the sign-in provider; old links carry no provider).
 */
describe("describeAuthError", () => {
  it.each(["OAuthCallbackError", "AccessDenied"])("%s from TikTok names TikTok and how to start again there, never Facebook", (code) => {
    const { title, detail } = describeAuthError(code, "tiktok");
    expect(title).toBe("TikTok connection was cancelled");
    expect(detail).toMatch(/TikTok did not approve/);
    expect(detail).toMatch(/Connect TikTok/);
    expect(`${title} ${detail}`).not.toMatch(/facebook/i);
  });

  it.each([undefined, "facebook", "something-else"])("%s as provider keeps Facebook's words", (provider) => {
    expect(describeAuthError("AccessDenied", provider)).toEqual({
      title: "Facebook sign-in was cancelled",
      detail:
        "Facebook did not approve the connection (it was cancelled or refused). To connect, start again and press Continue on Facebook.",
    });
  });

  it("every other refusal from TikTok names TikTok, not Facebook", () => {
    for (const code of ["OAuthAccountNotLinked", "Configuration", undefined]) {
      const { title, detail } = describeAuthError(code, "tiktok");
      expect(`${title} ${detail}`).toMatch(/TikTok/);
      expect(`${title} ${detail}`).not.toMatch(/facebook/i);
    }
    expect(describeAuthError("Configuration", "facebook").detail).toMatch(/Facebook did not answer/);
  });
});
