import type { BookingRow } from "../db/queries/bookings";

/** One booking as the seed's `/api/bookings` returned it: its column names, in its order. */
export type BookingJson = {
  id: number;
  user_id: number;
  username: string | null;
  first_name: string | null;
  course_id: number | null;
  course_stream: string | null;
  confirmed: number;
  created_at: string;
  referral_code: string | null;
  discount_percent: number | null;
};

type Source = Pick<
  BookingRow,
  "id" | "userId" | "username" | "firstName" | "courseId" | "courseStream" | "confirmed" | "createdAt" | "referralCode" | "discountPercent"
>;

export function toBookingJson(row: Source): BookingJson {
  return {
    id: row.id,
    user_id: row.userId,
    username: row.username,
    first_name: row.firstName,
    course_id: row.courseId,
    course_stream: row.courseStream,
    confirmed: row.confirmed,
    created_at: row.createdAt.toISOString(),
    referral_code: row.referralCode,
    discount_percent: row.discountPercent,
  };
}
