/** The SQLSTATE a rejected database call failed with (pg and PGlite both expose `code`). */
export async function sqlStateOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    throw error;
  }
  throw new Error('expected the database to refuse this statement, but it succeeded');
}

/** SQLSTATE codes the store tests expect. */
export const SqlState = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
} as const;
