/**
 * Internal: the ioredis client class, imported on first use (not re-exported).
 *
 * @module
 */
import type { Redis } from "npm:ioredis@5.11.1";

/**
 * The ioredis client class, loaded on first use (so that importing ALPE does not load the
 * Redis client).
 */
export async function redisClass(): Promise<typeof Redis> {
  return (await import("npm:ioredis@5.11.1")).Redis;
}
