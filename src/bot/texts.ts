/** Fixed phrases of the admin interface; texts built from data live in ./format. */
export const texts = {
  notAdmin: "⛔ Эта команда только для администраторов.",
  notAdminButton: "⛔ Нет доступа",
  staleButtonStudent: "Эта кнопка устарела. Нажмите /start",
  streamClosed: "Запись на этот поток закрыта. Нажмите /start, чтобы увидеть открытые.",
  alreadyBooked: "У вас уже есть заявка на этот поток — смотрите «Мои заявки».",
  cannotCancelStudent: "Эту заявку уже нельзя отменить здесь — напишите администратору.",
  studentHint: "Чтобы записаться на курс или посмотреть свои заявки, нажмите /start",
  studentHintNoBooking: "Здесь приходят сообщения о ваших заявках. Нажмите /start, если ещё не нажимали.",
  studentWelcomeNoBooking: (name: string) =>
    `Здравствуйте, ${name}! Здесь вы будете получать сообщения о ваших заявках на курсы.`,
  databaseUnavailable: "⚠️ База данных недоступна. Попробуйте через минуту.",
  somethingWentWrong: "⚠️ Что-то пошло не так. Подробности в журнале бота.",
  staleButton: "Эта кнопка устарела. Откройте список заново: /bookings",
  unknownCommand: "Неизвестная команда. Что я умею — /help",
  notUnderstood: "Не понял. Что я умею — /help",
  newestReached: "Новее заявок нет",
  oldestReached: "Старше заявок нет",
  refreshed: "Обновлено",
  badFilter: "Неизвестный фильтр. Можно: /bookings, /bookings new, /bookings pending, /bookings confirmed, /bookings cancelled",
  bookingUsage: "Укажите номер заявки, например: /booking 123",
  askStudent: "Пришлите id студента или его @username. /cancel — отмена.",
  studentUsage: "Укажите id студента или @username, например: /user 123456789 или /user @ivan_petrov",
  badStudentRef: "Не похоже на id или @username. Пример: 123456789 или @ivan_petrov. /cancel — отмена.",
  cancelled: "Отменено.",
  help: [
    "<b>Что я умею</b>",
    "",
    "/bookings — последние заявки, с фильтрами по статусу и листанием",
    "/bookings pending — сразу с фильтром (new, pending, confirmed, cancelled)",
    "/user 123456789 или /user @username — все заявки студента",
    "/booking 123 — карточка заявки (или /b123 из списка): подтвердить, отменить, восстановить",
    "/stats — статистика: статусы, курсы и потоки, конверсия, доставка",
    "/templates — тексты сообщений студентам (подтверждение, отмена, напоминание)",
    "/broadcast — рассылка студентам: по статусу, курсу или потоку",
    "/help — эта справка",
    "",
    "Статусы: ⚪ новая заявка · 🟡 в ожидании · 🟢 подтверждено · 🔴 отменено",
  ].join("\n"),
} as const;

export const bookingNotFound = (id: number | string) => `Заявка #${id} не найдена.`;
export const noBookingsFor = (who: string) => `Нет заявок для ${who}.`;
