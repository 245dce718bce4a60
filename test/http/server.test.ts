import { describe, expect, it } from "vitest";
import { API_TOKEN, requestLine, startTestApi, useTestApi } from "./helpers";

const { database, api } = useTestApi();

describe("the bearer token", () => {
  it.each([
    ["missing", {}],
    ["wrong", { authorization: "Bearer not-the-token-at-all" }],
    ["a prefix of the right one", { authorization: `Bearer ${API_TOKEN.slice(0, -1)}` }],
    ["the right one with another scheme", { authorization: `Basic ${API_TOKEN}` }],
    ["empty", { authorization: "Bearer " }],
  ])("%s → 401 with WWW-Authenticate, whatever the path", async (_name, headers) => {
    for (const path of ["/api/bookings", "/api/test-db", "/nowhere"]) {
      const res = await fetch(api.base + path, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await res.text()).toBe('{"error":"Unauthorized"}');
    }
  });

  it("the right one is let in (the scheme's case does not matter)", async () => {
    expect((await api.get("/api/bookings")).status).toBe(200);
    expect((await fetch(`${api.base}/api/bookings`, { headers: { authorization: `bearer ${API_TOKEN}` } })).status).toBe(200);
  });

  it("never reaches the log, right or wrong", async () => {
    await fetch(`${api.base}/api/bookings`, { headers: { authorization: "Bearer a-wrong-guess-0123456789" } });
    await api.get("/api/bookings?limit=1");
    const text = JSON.stringify(api.logs);
    expect(text).not.toContain(API_TOKEN);
    expect(text).not.toContain("a-wrong-guess");
  });
});

describe("routing", () => {
  it("an unknown path → 404 JSON", async () => {
    for (const path of ["/", "/api", "/api/bookings/1", "/api/bookingsx"]) {
      const res = await api.get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "Not found" });
    }
  });

  it("another method → 405 with Allow: GET", async () => {
    for (const [method, path] of [["POST", "/api/bookings"], ["DELETE", "/api/bookings"], ["PUT", "/api/test-db"], ["HEAD", "/api/bookings"]] as const) {
      const res = await api.get(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
      if (method !== "HEAD") expect(await res.json()).toEqual({ error: "Method not allowed" });
    }
  });
});

describe("request ids and the access log", () => {
  it("echoes a caller's X-Request-Id and logs one line with it", async () => {
    const res = await api.get("/api/bookings?limit=3", { headers: { "x-request-id": "dash-42.a:b" } });
    expect(res.headers.get("x-request-id")).toBe("dash-42.a:b");
    await res.arrayBuffer();
    const lines = api.logs.filter((l) => l.req_id === "dash-42.a:b");
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: "http request", method: "GET", path: "/api/bookings", status: 200, duration_ms: expect.any(Number) }),
    ]);
  });

  it("makes one up when none (or an unsafe one) is given", async () => {
    const plain = await api.get("/nowhere");
    const unsafe = await api.get("/nowhere", { headers: { "x-request-id": "bad id\twith spaces" } });
    for (const res of [plain, unsafe]) {
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(requestLine(api.logs, res)).toMatchObject({ path: "/nowhere", status: 404 });
    }
  });

  it("401s are logged too, without the header", async () => {
    const res = await fetch(`${api.base}/api/test-db`, { headers: { authorization: "Bearer nope-nope-nope-nope" } });
    expect(requestLine(api.logs, res)).toMatchObject({ method: "GET", path: "/api/test-db", status: 401 });
  });
});

describe("close()", () => {
  it("resolves with a keep-alive connection open, and the port stops answering", async () => {
    const own = await startTestApi(database.db);
    expect((await own.get("/api/bookings")).status).toBe(200);
    // Resolving at all is the point: a keep-alive connection left open would hold close() forever.
    await own.close();
    await expect(own.get("/api/bookings")).rejects.toThrow();
  });
});
