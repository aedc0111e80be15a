using System.Globalization;
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
/// A PASSIVE checkpoint never restarts the log: SQLite starts writing it from the beginning again only when a write
/// begins with every frame already folded in, which writes that never pause never give it. Posting at 32 connections the
/// log grew by ~50 MB a second, 1.5 GB in 30 s (docs/performance.md, twelfth round): a disk filled by the log, reads
/// slowing as its index grew, a start after kill -9 reading all of it back. So once the log passes
/// <see cref="RestartAfterFrames"/>, the round catches up with more PASSIVE passes and then runs a RESTART checkpoint in
/// the write gate's turn: the app's writers wait in the gate (not in SQLite's sleeping busy handler) while the few frames
/// written since the last pass are folded in and the database file is synced, and the next write starts the log from
/// its beginning; readers still in the log are waited for at most <see cref="RestartReaderWait"/>, else the next round
/// tries again.
/// </para>
/// <para>
/// When the app stops cleanly (every other service has stopped), it folds the whole log in and empties it, so the
/// database file alone holds everything: copying the stopped app's <c>.db</c> is a complete backup (docs/operations.md).
/// </para>
/// </summary>
internal sealed partial class WalCheckpointer(
    DatabaseSetup database, TimeProvider clock, WriteGate writeGate, IHostApplicationLifetime lifetime, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    /// <summary>
    /// The log's length, in frames (a page each, 4 KB), past which a round restarts it: 64 MB, about a second of the
    /// heaviest posting this machine sustains, and far more than a steady stream of reports writes between two rounds.
    /// Each restart holds the app's writers for a sync of the database file (30–50 ms here before the catch-up passes of
    /// <see cref="MaxPassesBeforeRestart"/>, ~15 ms after them): once a second at full load it raised the p99 of a
    /// report at 32 connections from ~31 to ~42 ms (twelfth round). A 256 MB bound was worse, not better (p99
    /// 70–107 ms at every connection count: docs/performance.md, twelfth round).
    /// </summary>
    public const int RestartAfterFrames = 16_384;

    /// <summary>
    /// The size, in bytes, the log file is cut back to when it restarts (SQLite's <c>journal_size_limit</c>): above what
    /// the file reaches between two restarts at full load, so it is reused rather than cut and grown again each time;
    /// it is cut only after a reader held the restart back.
    /// </summary>
    public const long LogSizeLimit = 128L * 1024 * 1024;

    /// <summary>
    /// Before a restart, PASSIVE passes repeat (at most this many in all): one more after the round's own (whose count
    /// is the whole log's, not what it copied), then more while the last one still copied more than
    /// <see cref="CatchUpFrames"/>. Measured at 32 connections with a pass every second (docs/performance.md, fourteenth
    /// round): after one pass the restart found 200–2,700 frames written meanwhile and held the writers 10–37 ms; after
    /// the catch-up, 0–250 frames and 0–27 ms. What is left is the sync of the database file itself, ~15 ms on this disk
    /// however little was copied.
    /// </summary>
    internal const int MaxPassesBeforeRestart = 4;

    /// <summary>Frames (4 KB each) a PASSIVE pass may still have copied for the restart to follow it at once.</summary>
    internal const long CatchUpFrames = 256;

    /// <summary>How long a restart waits for readers still in the log before it leaves it to the next round.</summary>
    internal static readonly TimeSpan RestartReaderWait = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How often the log is folded in. Often and small rather than seldom and large: each PASSIVE pass ends in a sync of
    /// the database file, and while 32 connections posted the writers' tail followed the size of those syncs. Every
    /// second (~64 MB a pass), p99 27–45 ms; every 250 ms, 22–26 ms; every 100 ms, 18–25 ms; with no checkpoint at all,
    /// 11–33 ms (docs/performance.md, fourteenth round). At rest a round finds nothing to copy and syncs nothing.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the checkpoint at stop waits for a connection still writing or reading.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The rounds' PASSIVE checkpoints: pooled, in a pool of their own (the string differs from the app's). Properties, not
    /// fields: on PostgreSQL the app's connection string is not SQLite's to parse, and nothing here runs.
    /// </summary>
    private string RoundConnectionString => NeverCreating(database.ConnectionString);

    /// <summary>
    /// The restart and the fold at stop: on a connection of its own, closed for good afterwards (a pooled one would carry
    /// the restart's short busy timeout back into a pool, to a writer that must wait its full Database:BusyTimeout).
    /// </summary>
    private string UnpooledConnectionString =>
        new SqliteConnectionStringBuilder(NeverCreating(database.ConnectionString)) { Pooling = false }.ConnectionString;

    private readonly TaskCompletionSource foldedAtStop = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the fold at stop has run (at once on PostgreSQL, where there is none). The host's own "stopped"
    /// signal is not enough to know the file is complete: its callbacks run last-registered first, so one registered
    /// after the fold's runs before it.
    /// </summary>
    internal Task FoldedAtStop => foldedAtStop.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.IsPostgres)
        {
            foldedAtStop.TrySetResult();
            return;
        }

        lifetime.ApplicationStopped.Register(FoldAtStop);
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken, RestartAfterFrames);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: FoldAtStop folds the rest in once every other service has stopped.
        }
    }

    /// <summary>Whether the last round failed: a fault is logged once when it starts and once when it clears.</summary>
    private bool failing;

    /// <summary>
    /// One PASSIVE checkpoint, and a RESTART after it when the log holds <paramref name="restartAfterFrames"/> frames or
    /// more; returns the log's frames, how many of them are now in the database file, and whether the log was restarted.
    /// </summary>
    internal async Task<(long Frames, long Checkpointed, bool Restarted)> CheckpointAsync(CancellationToken cancellationToken, long restartAfterFrames = long.MaxValue)
    {
        (long Frames, long Checkpointed, bool Restarted) result;
        try
        {
            await using var connection = new SqliteConnection(RoundConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            var (_, frames, checkpointed) = await RunAsync(command, cancellationToken);
            result = (frames, checkpointed, false);
            if (frames >= restartAfterFrames)
            {
                // Each pass folds in what was written during the one before, while the writers carry on, so the
                // restart (the only part that holds them) copies a few dozen frames, not the pass's worth.
                var copied = checkpointed;
                for (var pass = 1; pass < MaxPassesBeforeRestart && copied > CatchUpFrames; pass++)
                {
                    var before = checkpointed;
                    (_, _, checkpointed) = await RunAsync(command, cancellationToken);
                    copied = checkpointed - before;
                }

                await using var restart = new SqliteConnection(UnpooledConnectionString);
                await restart.OpenAsync(cancellationToken);
                await using var restartCommand = restart.CreateCommand();
                restartCommand.CommandText = string.Create(CultureInfo.InvariantCulture,
                    $"PRAGMA journal_size_limit={LogSizeLimit}; PRAGMA busy_timeout={(long)RestartReaderWait.TotalMilliseconds}; PRAGMA wal_checkpoint(RESTART);");
                using (await writeGate.EnterAsync(cancellationToken))
                {
                    var (busy, restartFrames, restartCheckpointed) = await RunAsync(restartCommand, cancellationToken);
                    result = (restartFrames, restartCheckpointed, busy == 0);
                }
            }
        }
        catch (SqliteException ex)
        {
            // A full disk or a read-only file: the log keeps every commit and the next round tries again; the health
            // check reports the storage fault itself. Once, not every round: ten warnings a second onto a full disk
            // would only make it fuller.
            if (!failing)
            {
                failing = true;
                LogCheckpointFailed(ex);
            }

            return (0, 0, false);
        }

        if (failing)
        {
            failing = false;
            LogCheckpointRecovered();
        }

        return result;
    }

    /// <summary>
    /// The app's connection string, opening the file but never creating it: a checkpoint of a database that is not there
    /// (moved away by an operator, or deleted by a test once the app had stopped) has nothing to fold, and by default
    /// SQLite would create an empty file in its place; the round reports it as a storage fault instead. Any other mode
    /// the operator chose is kept.
    /// </summary>
    internal static string NeverCreating(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            builder.Mode = SqliteOpenMode.ReadWrite;
        }

        return builder.ConnectionString;
    }

    /// <summary>Runs a checkpoint (after any other pragmas in the text) and reads its answer: busy, log frames, checkpointed frames.</summary>
    private static async Task<(long Busy, long Frames, long Checkpointed)> RunAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.FieldCount != 3 && await reader.NextResultAsync(cancellationToken))
        {
        }

        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : (1, 0, 0);
    }

    /// <summary>
    /// Closes the idle connections of the app's pool and of the rounds' own (nothing else writes any more) and folds the log in on a connection that is
    /// really closed afterwards; the log is emptied (TRUNCATE) and, with no connection left, removed by SQLite.
    /// </summary>
    internal void FoldAtStop()
    {
        try
        {
            foreach (var pool in new[] { database.ConnectionString, RoundConnectionString })
            {
                using var pooled = new SqliteConnection(pool);
                SqliteConnection.ClearPool(pooled);
            }

            using var connection = new SqliteConnection(UnpooledConnectionString);
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
        finally
        {
            foldedAtStop.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database was still in use {Seconds} s after the stop; the rest of the write-ahead log stays beside the file and the next start reads it")]
    private partial void LogStopCheckpointBusy(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fold the write-ahead log into the database at stop; it stays beside the file and the next start reads it")]
    private partial void LogStopCheckpointFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fold the write-ahead log into the database; trying again until it can")]
    private partial void LogCheckpointFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The write-ahead log is being folded into the database again")]
    private partial void LogCheckpointRecovered();
}
