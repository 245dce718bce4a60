/**
 * An expected reason the embedded server cannot run (folder not writable, port taken, a PGlite
 * folder left from an earlier version…). Its message is one line meant for the operator, so
 * the entry points print it alone and exit 1 instead of a stack trace.
 */
export class EmbeddedServerError extends Error {
  override name = "EmbeddedServerError";
}
