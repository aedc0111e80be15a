using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// No commit checkpoints SQLite's write-ahead log (a commit that did waited for an fsync with every other writer
/// behind it); the background checkpointer folds it into the database file on the app's clock.
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class WalCheckpointerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_apps_connections_never_checkpoint_in_a_commit()
    {
        await using var factory = new CeasefireWatchFactory();
        _ = factory.CreateApiClient();

        var (autocheckpoint, journal) = await factory.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync(Ct);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA wal_autocheckpoint;";
                var pages = Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = "PRAGMA journal_size_limit;";
                Assert.Equal(WalCheckpointer.LogSizeLimit, Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
                command.CommandText = "PRAGMA journal_mode;";
                return (pages, (string?)await command.ExecuteScalarAsync(Ct));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

        Assert.Equal(0, autocheckpoint);
        Assert.Equal("wal", journal);
    }

    [Fact]
    public async Task A_checkpoint_folds_every_committed_frame_into_the_database_file()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        var checkpointer = factory.Checkpointer;
        await checkpointer.CheckpointAsync(Ct);
        var before = new FileInfo(factory.DatabasePath).Length;

        for (var i = 0; i < 40; i++)
        {
            await factory.LogIncidentAsync(client);
        }

        var (frames, checkpointed, restarted) = await checkpointer.CheckpointAsync(Ct);

        Assert.True(frames > 0, "The reports were committed to the log, not the file.");
        Assert.Equal(frames, checkpointed);
        Assert.False(restarted, "The log was short of its bound: a PASSIVE round only.");
        Assert.True(new FileInfo(factory.DatabasePath).Length > before, "The database file grew by the pages folded into it.");
        Assert.Equal(40, await factory.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_log_past_its_bound_is_restarted_once_the_round_has_the_write_gates_turn_and_no_short_busy_timeout_reaches_the_pool()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        var checkpointer = factory.Checkpointer;
        for (var i = 0; i < 10; i++)
        {
            await factory.LogIncidentAsync(client);
        }

        var gate = factory.Services.GetRequiredService<WriteGate>();
        var turn = await gate.EnterAsync(Ct);
        var round = checkpointer.CheckpointAsync(Ct, restartAfterFrames: 1);
        Assert.False(round.IsCompleted, "The restart waits for the write gate's turn, as the intake and the engine do.");
        turn.Dispose();
        var (frames, checkpointed, restarted) = await round;

        Assert.True(restarted, "Nothing else was in the log: the restart completed.");
        Assert.True(frames > 0);
        Assert.Equal(frames, checkpointed);
        Assert.Equal(10, await factory.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
        await factory.LogIncidentAsync(client);
        Assert.False((await checkpointer.CheckpointAsync(Ct)).Restarted, "A round below the bound does not restart the log.");

        // The restart's short wait for readers stays with its own connection: no connection the pool hands out (every
        // idle one is taken here) carries it to an app writer that must wait the configured busy timeout.
        var connectionString = factory.Services.GetRequiredService<DatabaseSetup>().ConnectionString;
        var taken = new List<Microsoft.Data.Sqlite.SqliteConnection>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var pooled = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
                taken.Add(pooled);
                await pooled.OpenAsync(Ct);
                await using var timeout = pooled.CreateCommand();
                timeout.CommandText = "PRAGMA busy_timeout;";
                var waits = Convert.ToInt64(await timeout.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
                Assert.NotEqual((long)WalCheckpointer.RestartReaderWait.TotalMilliseconds, waits);
            }
        }
        finally
        {
            foreach (var connection in taken)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_reader_still_in_the_log_defers_the_restart_to_a_later_round_and_the_writers_carry_on_meanwhile()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        var checkpointer = factory.Checkpointer;
        await factory.LogIncidentAsync(client);

        await using (var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False"))
        {
            await reader.OpenAsync(Ct);
            await using var read = reader.CreateCommand();
            read.CommandText = "BEGIN; SELECT count(*) FROM Incidents;";
            Assert.Equal(1L, await read.ExecuteScalarAsync(Ct));
            await factory.LogIncidentAsync(client); // written after the reader's snapshot: it is still in the log

            var (_, _, restarted) = await checkpointer.CheckpointAsync(Ct, restartAfterFrames: 1);

            Assert.False(restarted, "A reader of the log is waited for only so long.");
            await factory.LogIncidentAsync(client); // the gate is free again: reports are stored while the reader reads
            read.CommandText = "COMMIT;";
            await read.ExecuteNonQueryAsync(Ct);
        }

        Assert.True((await checkpointer.CheckpointAsync(Ct, restartAfterFrames: 1)).Restarted, "The next round restarted the log.");
        Assert.Equal(3, await factory.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_hosted_checkpointer_runs_when_the_apps_clock_passes_its_interval()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        for (var i = 0; i < 40; i++)
        {
            await factory.LogIncidentAsync(client);
        }

        var before = new FileInfo(factory.DatabasePath).Length;

        await WaitUntilAsync(
            () =>
            {
                factory.Clock.Advance(WalCheckpointer.Interval);
                return Task.FromResult(new FileInfo(factory.DatabasePath).Length > before);
            },
            because: "the checkpointer folded the log into the database file on its own");
    }

    [Fact]
    public async Task After_a_clean_stop_the_database_file_alone_holds_every_report()
    {
        var path = NewDatabasePath();
        var copy = NewDatabasePath();
        try
        {
            await using (var factory = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true })
            {
                var client = factory.CreateApiClient();
                for (var i = 0; i < 30; i++)
                {
                    await factory.LogIncidentAsync(client);
                }
            }

            Assert.Equal(30L, await IncidentsInFileAloneAsync(path, copy));
        }
        finally
        {
            DeleteDatabases(path, copy);
        }
    }

    [Fact]
    public async Task After_a_clean_stop_no_write_ahead_log_is_left_beside_the_file_even_after_the_rounds_ran()
    {
        var path = NewDatabasePath();
        try
        {
            await using (var factory = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true })
            {
                await factory.LogIncidentAsync(factory.CreateApiClient());
                // A round leaves its connection idle in a pool; the fold at stop must close it too, or the log file
                // outlives the app (SQLite removes it when the last connection to the database closes).
                await factory.Checkpointer.CheckpointAsync(Ct);
            }

            Assert.True(File.Exists(path));
            Assert.False(File.Exists(path + "-wal"), "The write-ahead log was left beside the database after a clean stop.");
        }
        finally
        {
            DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task A_transaction_still_open_at_the_stop_is_waited_for_and_the_file_alone_then_holds_every_report()
    {
        var path = NewDatabasePath();
        var copy = NewDatabasePath();
        Microsoft.Data.Sqlite.SqliteConnection? straggler = null;
        try
        {
            await using (var factory = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true })
            {
                var client = factory.CreateApiClient();
                await factory.LogIncidentAsync(client);

                // A straggler: a connection that began reading before the reports below and is still in its
                // transaction when the app stops. No checkpoint can copy past what it may still read.
                straggler = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
                await straggler.OpenAsync(Ct);
                await using (var read = straggler.CreateCommand())
                {
                    read.CommandText = "BEGIN; SELECT count(*) FROM Incidents;";
                    Assert.Equal(1L, await read.ExecuteScalarAsync(Ct));
                }

                for (var i = 0; i < 30; i++)
                {
                    await factory.LogIncidentAsync(client);
                }

                // It ends its transaction while the app is stopping; the checkpoint at stop waits for that (up to
                // 5 s). The connection itself stays open until the backup is taken: closing the last connection would
                // make SQLite fold the log in on its own and hide whether the app did.
                var open = straggler;
                var finishing = Task.Run(
                    async () =>
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
                        await using var commit = open.CreateCommand();
                        commit.CommandText = "COMMIT;";
                        await commit.ExecuteNonQueryAsync(Ct);
                    },
                    Ct);
                await factory.DisposeAsync(); // stops the app now; the block's own dispose is then a no-op
                await finishing;
            }

            Assert.Equal(31L, await IncidentsInFileAloneAsync(path, copy));
        }
        finally
        {
            if (straggler is not null)
            {
                await straggler.DisposeAsync();
            }

            DeleteDatabases(path, copy);
        }
    }

    /// <summary>A backup as an operator takes it: the .db file alone, without whatever -wal file may lie beside it.</summary>
    private static async Task<object?> IncidentsInFileAloneAsync(string path, string copy)
    {
        File.Copy(path, copy);
        await using var backup = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Pooling=False");
        await backup.OpenAsync(Ct);
        await using var count = backup.CreateCommand();
        count.CommandText = "SELECT count(*) FROM Incidents";
        return await count.ExecuteScalarAsync(Ct);
    }

    private static void DeleteDatabases(params string[] paths)
    {
        foreach (var path in paths)
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task A_storage_fault_is_logged_once_while_it_lasts_and_once_when_it_clears_and_never_thrown()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cw-checkpoint-" + Guid.NewGuid().ToString("N"));
        var logger = new RecordingLogger<WalCheckpointer>();
        var setup = new DatabaseSetup(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "app.db")};Pooling=False");
        var checkpointer = new WalCheckpointer(setup, TimeProvider.System, new WriteGate(), new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(
            new RecordingLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>()), logger);
        try
        {
            // The database's folder is missing: SQLite cannot open the file, round after round.
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal((0L, 0L, false), await checkpointer.CheckpointAsync(Ct, restartAfterFrames: 0));
            }

            var fault = Assert.Single(logger.Entries);
            Assert.Equal(LogLevel.Warning, fault.Level);
            Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(fault.Exception);

            // The folder and the database are back (an operator restored them): the next round folds, and says so once.
            Directory.CreateDirectory(folder);
            await using (var restored = new Microsoft.Data.Sqlite.SqliteConnection(setup.ConnectionString))
            {
                await restored.OpenAsync(Ct);
            }

            await checkpointer.CheckpointAsync(Ct);
            await checkpointer.CheckpointAsync(Ct);

            Assert.Equal([LogLevel.Warning, LogLevel.Information], logger.Entries.Select(e => e.Level));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Neither_a_round_nor_the_fold_at_stop_creates_a_database_that_is_not_there()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cw-checkpoint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "app.db");
        var logger = new RecordingLogger<WalCheckpointer>();
        var checkpointer = new WalCheckpointer(
            new DatabaseSetup(DatabaseProvider.Sqlite, $"Data Source={file}"), TimeProvider.System, new WriteGate(),
            new Microsoft.Extensions.Hosting.Internal.ApplicationLifetime(new RecordingLogger<Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>()), logger);
        try
        {
            // The database was moved away (or, in these tests, deleted once its app had stopped): SQLite would by
            // default create an empty file in its place; a checkpoint has nothing to fold and must leave none behind.
            Assert.Equal((0L, 0L, false), await checkpointer.CheckpointAsync(Ct, restartAfterFrames: 0));
            Assert.False(File.Exists(file), "A round created the database file.");

            checkpointer.FoldAtStop();

            Assert.False(File.Exists(file), "The fold at stop created the database file.");
            Assert.All(logger.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
            Assert.Equal(2, logger.Entries.Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("Data Source=app.db", "ReadWrite")]
    [InlineData("Data Source=app.db;Mode=ReadWriteCreate", "ReadWrite")]
    [InlineData("Data Source=app.db;Mode=ReadOnly", "ReadOnly")]
    [InlineData("Data Source=shared;Mode=Memory;Cache=Shared", "Memory")]
    public void The_checkpointers_connections_never_create_the_file_and_keep_any_other_mode(string appConnectionString, string mode)
    {
        var checkpointers = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(WalCheckpointer.NeverCreating(appConnectionString));

        Assert.Equal(mode, checkpointers.Mode.ToString());
        Assert.Equal(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(appConnectionString).DataSource, checkpointers.DataSource);
    }
}
