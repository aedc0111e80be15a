using Microsoft.Data.Sqlite;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Folds SQLite's write-ahead log back into the database file in the background (SQLite only). By default SQLite does
/// it inside a commit, whichever commit pushes the log past 1,000 pages: that commit copies the pages and waits for an
/// fsync of the database file, and while it does every other writer waits behind it. Under load (and behind other
/// writes the disk is flushing) that wait was the long tail of a report's latency (docs/performance.md). Here
/// <see cref="SqlitePragmas"/> turns the automatic checkpoint off on the app's connections, and this runs a PASSIVE
/// checkpoint every <see cref="Interval"/> on a connection of its own: it copies what no reader still needs, never
/// blocks a writer or a reader, and commits stay a write to the log. Durability is unchanged: a committed transaction
/// is in the log, and SQLite replays the log after a crash whether or not it was checkpointed.
/// <para>
/// When the app stops cleanly (every other service has stopped), it folds the whole log in and empties it, so the
/// database file alone holds everything: copying the stopped app's <c>.db</c> is a complete backup (docs/operations.md).
/// </para>
/// </summary>
internal sealed partial class WalCheckpointer(
    DatabaseSetup database, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<WalCheckpointer> logger) : BackgroundService
{
    /// <summary>How often the log is folded in: at a few thousand reports a second, a few MB each time.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How long the checkpoint at stop waits for a connection still writing or reading.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.IsPostgres)
        {
            return;
        }

        lifetime.ApplicationStopped.Register(FoldAtStop);
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: FoldAtStop folds the rest in once every other service has stopped.
        }
    }

    /// <summary>Whether the last round failed: a fault is logged once when it starts and once when it clears.</summary>
    private bool failing;

    /// <summary>One PASSIVE checkpoint; returns the log's frames and how many of them are now in the database file.</summary>
    internal async Task<(long Frames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken)
    {
        (long, long) result;
        try
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            result = await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
        }
        catch (SqliteException ex)
        {
            // A full disk or a read-only file: the log keeps every commit and the next round tries again; the health
            // check reports the storage fault itself. Once, not every second: a warning a second onto a full disk
            // would only make it fuller.
            if (!failing)
            {
                failing = true;
                LogCheckpointFailed(ex);
            }

            return (0, 0);
        }

        if (failing)
        {
            failing = false;
            LogCheckpointRecovered();
        }

        return result;
    }

    /// <summary>
    /// Closes the pool's idle connections (nothing else writes any more) and folds the log in on a connection that is
    /// really closed afterwards; the log is emptied (TRUNCATE) and, with no connection left, removed by SQLite.
    /// </summary>
    private void FoldAtStop()
    {
        try
        {
            using (var pooled = new SqliteConnection(database.ConnectionString))
            {
                SqliteConnection.ClearPool(pooled);
            }

            var unpooled = new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false };
            using var connection = new SqliteConnection(unpooled.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            // A TRUNCATE checkpoint waits for a writer to finish and for readers to leave the log, but only through the
            // busy handler: without one it gives up at once on any other connection still in a transaction (an
            // operator's sqlite3 shell, a straggler) and leaves the log beside the file. Its answer's first column
            // says whether it had to give up.
            command.CommandText = $"PRAGMA busy_timeout={(long)StopWait.TotalMilliseconds}; PRAGMA wal_checkpoint(TRUNCATE);";
            using var reader = command.ExecuteReader();
            reader.NextResult();
            if (reader.Read() && reader.GetInt64(0) != 0)
            {
                LogStopCheckpointBusy(StopWait.TotalSeconds);
            }
        }
        catch (SqliteException ex)
        {
            // Nothing is lost: the log stays beside the file and the next start reads it.
            LogStopCheckpointFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database was still in use {Seconds} s after the stop; the rest of the write-ahead log stays beside the file and the next start reads it")]
    private partial void LogStopCheckpointBusy(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fold the write-ahead log into the database at stop; it stays beside the file and the next start reads it")]
    private partial void LogStopCheckpointFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fold the write-ahead log into the database; trying again every second until it can")]
    private partial void LogCheckpointFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The write-ahead log is being folded into the database again")]
    private partial void LogCheckpointRecovered();
}
