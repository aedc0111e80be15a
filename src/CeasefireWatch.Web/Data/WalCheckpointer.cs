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
/// </summary>
internal sealed partial class WalCheckpointer(DatabaseSetup database, TimeProvider clock, ILogger<WalCheckpointer> logger) : BackgroundService
{
    /// <summary>How often the log is folded in: at a few thousand reports a second, a few MB each time.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.IsPostgres)
        {
            return;
        }

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
            // Stopping. SQLite checkpoints the log itself when the last connection closes.
        }
    }

    /// <summary>One PASSIVE checkpoint; returns the log's frames and how many of them are now in the database file.</summary>
    internal async Task<(long Frames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
        }
        catch (SqliteException ex)
        {
            // A full disk or a read-only file: the log keeps every commit and the next round tries again; the health
            // check reports the storage fault itself.
            LogCheckpointFailed(ex);
            return (0, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fold the write-ahead log into the database; trying again in a second")]
    private partial void LogCheckpointFailed(Exception exception);
}
