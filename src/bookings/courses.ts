import type { Db } from "../db/client";
import { recordAdminAction } from "../db/queries/admin-actions";
import { insertStream, lockCourse, lockStreamColumn, updateCourse, updateStream, type NewStream } from "../db/queries/courses";
import { auditedChange, type AdminActor } from "./audit";

/**
 * The changes admins make to courses and streams (/courses): each guarded on the row it reads
 * under a lock and audited in `admin_actions` in the same transaction (see auditedChange).
 */

const streamTarget = (code: string) => `stream:${code}`;
const courseTarget = (id: number) => `course:${id}`;

export const setStreamOpen = (db: Db, code: string, open: boolean, actor: AdminActor) =>
  auditedChange(db, { actor, action: open ? "stream.open" : "stream.close", target: streamTarget(code) }, {
    read: lockStreamColumn(code, "isOpen"),
    next: open,
    write: updateStream(code, { isOpen: open }),
  });

export const renameStream = (db: Db, code: string, title: string, actor: AdminActor) =>
  auditedChange(db, { actor, action: "stream.rename", target: streamTarget(code) }, {
    read: lockStreamColumn(code, "title"),
    next: title,
    write: updateStream(code, { title }),
  });

export const setStreamStart = (db: Db, code: string, startsAt: Date, actor: AdminActor) =>
  auditedChange<Date | null>(db, { actor, action: "stream.start_date", target: streamTarget(code) }, {
    read: lockStreamColumn(code, "startsAt"),
    next: startsAt,
    write: updateStream(code, { startsAt }),
  });

export const renameCourse = (db: Db, id: number, name: string, actor: AdminActor) =>
  auditedChange<string | null>(db, { actor, action: "course.rename", target: courseTarget(id) }, {
    read: async (tx) => {
      const row = await lockCourse(tx, id);
      return row && { value: row.name };
    },
    next: name,
    write: updateCourse(id, { name }),
  });

/** Active means `is_active = true`: students' /start offers no stream of a course that is not. */
export const setCourseActive = (db: Db, id: number, active: boolean, actor: AdminActor) =>
  auditedChange(db, { actor, action: active ? "course.activate" : "course.deactivate", target: courseTarget(id) }, {
    read: async (tx) => {
      const row = await lockCourse(tx, id);
      return row && { value: row.isActive === true };
    },
    next: active,
    write: updateCourse(id, { isActive: active }),
  });

/** Adds a stream, audited; "taken" when the code exists already. */
export async function createStream(db: Db, stream: NewStream, actor: AdminActor): Promise<"created" | "taken"> {
  return db.transaction(async (tx) => {
    if (!(await insertStream(tx, stream))) return "taken";
    await recordAdminAction(tx, actor, "stream.create", streamTarget(stream.code), { old: null, new: { ...stream, startsAt: stream.startsAt.toISOString() } });
    return "created";
  });
}
