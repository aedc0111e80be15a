using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Recognises a save that lost a race with another writer on the same incident. On SQLite writers take turns, so the
/// loser always meets the incident's concurrency token (<see cref="DbUpdateConcurrencyException"/>). On PostgreSQL two
/// transactions run side by side, and the loser may meet the database's own guard first: the unique index that allows
/// one <c>StageEntered</c> per tier. Both mean the same: nothing was saved, read the incident again.
/// </summary>
public static class ConcurrentChange
{
    public const string OneStageEnteredPerTierIndex = "IX_TimelineEntries_OneStageEnteredPerTier";

    public static bool Is(Exception exception) =>
        exception is DbUpdateConcurrencyException
        || (exception is DbUpdateException && IsOneStageEnteredViolation(exception.InnerException));

    private static bool IsOneStageEnteredViolation(Exception? exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation
            && postgres.ConstraintName == OneStageEnteredPerTierIndex,

        // SQLITE_CONSTRAINT_UNIQUE names the columns, not the index.
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067
            && sqlite.Message.Contains("TimelineEntries.IncidentId, TimelineEntries.Stage", StringComparison.Ordinal),
        _ => false,
    };
}
