using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CeasefireWatch.RawBaseline;
using Microsoft.Data.Sqlite;

// The raw baseline that bench/run loads alternately with the app: a minimal endpoint that inserts the same
// Incidents row with Microsoft.Data.Sqlite, under the same per-connection pragmas as the app, with writes queued
// in-process (one at a time behind a semaphore) so SQLite's sleeping busy handler never runs. No auth, no
// validation beyond JSON binding, no timeline, no logging: what the app costs is measured against this.
// POST /api/incidents/rows writes what a report makes the app write: the same incident row, its first report and the
// two timeline entries (reported, tier 1 entered), into the app's three tables with their indexes and foreign keys, in
// one transaction. Against it, the app's figure is what the pipeline costs beyond the rows it must store.
//
// Usage: CeasefireWatch.RawBaseline --db <file> --schema-from <the app's database> [--urls http://127.0.0.1:PORT]
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));

var database = builder.Configuration["db"] ?? throw new InvalidOperationException("--db <file> is required.");
var schemaFrom = builder.Configuration["schema-from"] ?? throw new InvalidOperationException("--schema-from <the app's database> is required.");
var store = RawStore.Create(database, schemaFrom);
builder.Services.AddSingleton(store);

var app = builder.Build();

app.MapGet("/health", () => Results.Text("{\"status\":\"Healthy\"}", "application/json"));
app.MapPost("/api/incidents", async (IncidentBody body, RawStore rows) =>
{
    var id = await rows.InsertAsync(body);
    return Results.Created($"/api/incidents/{id}", new Created(id, body.Title));
});
app.MapPost("/api/incidents/rows", async (IncidentBody body, RawStore rows) =>
{
    var id = await rows.InsertWithReportAndTimelineAsync(body);
    return Results.Created($"/api/incidents/{id}", new Created(id, body.Title));
});

app.Run();

namespace CeasefireWatch.RawBaseline
{
    internal sealed record IncidentBody(
        string? Title, DateTimeOffset? OccurredAt, string? Oblast, string? Location, string? ViolationType,
        string? Severity, string? SourceType, string? Description, double? Latitude, double? Longitude, int? Killed, int? Wounded);

    internal sealed record Created(long Id, string? Title);

    [JsonSerializable(typeof(IncidentBody))]
    [JsonSerializable(typeof(Created))]
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    internal sealed partial class BaselineJson : JsonSerializerContext;

    /// <summary>One connection, the app's pragmas, prepared INSERTs, one write at a time.</summary>
    internal sealed class RawStore
    {
        private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";
        private readonly SemaphoreSlim writeQueue = new(1, 1);
        private readonly SqliteConnection connection;
        private readonly SqliteCommand insert;
        private readonly SqliteCommand insertReport;
        private readonly SqliteCommand insertEntry;

        private RawStore(SqliteConnection connection, SqliteCommand insert, SqliteCommand insertReport, SqliteCommand insertEntry)
        {
            this.connection = connection;
            this.insert = insert;
            this.insertReport = insertReport;
            this.insertEntry = insertEntry;
        }

        public static RawStore Create(string database, string schemaFrom)
        {
            // The app's Incidents, Reports and TimelineEntries tables and every index on them, so the same rows cost the
            // same index updates (tables first, Incidents before the two that refer to it).
            var ddl = new List<string>();
            using (var app = new SqliteConnection($"Data Source={schemaFrom};Mode=ReadOnly"))
            {
                app.Open();
                using var read = app.CreateCommand();
                read.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name IN ('Incidents', 'Reports', 'TimelineEntries') AND sql IS NOT NULL ORDER BY type DESC, tbl_name";
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    ddl.Add(reader.GetString(0));
                }
            }

            if (ddl.Count == 0)
            {
                throw new InvalidOperationException($"{schemaFrom} has no Incidents table.");
            }

            var connection = new SqliteConnection($"Data Source={database}");
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                // The same settings the app's SqlitePragmas and DatabaseInitializer apply, and the same checkpointing:
                // none in a commit, a PASSIVE checkpoint every 100 ms on a connection of its own (the app's WalCheckpointer.Interval).
                setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0; "
                    + "DROP TABLE IF EXISTS TimelineEntries; DROP TABLE IF EXISTS Reports; DROP TABLE IF EXISTS Incidents; " + string.Join("; ", ddl) + ";";
                setup.ExecuteNonQuery();
            }

            var insert = Prepared(connection, """
                INSERT INTO Incidents (Title, Status, Stage, OccurredAt, NextStageAt, Oblast, Location, Latitude, Longitude,
                    ViolationType, Severity, SourceType, Description, Killed, Wounded, CreatedAt, CreatedBy, Version, Verification)
                VALUES ($title, 'Active', 'UkrainianForces', $occurred, $next, $oblast, $location, $lat, $lon,
                    $type, $severity, $source, $description, $killed, $wounded, $created, 'bench', 1, 'Unverified')
                RETURNING Id
                """, "$title", "$occurred", "$next", "$oblast", "$location", "$lat", "$lon", "$type", "$severity", "$source", "$description", "$killed", "$wounded", "$created");
            var insertReport = Prepared(connection, """
                INSERT INTO Reports (IncidentId, IsInitial, OccurredAt, ReportedAt, ReportedBy, Oblast, Location, Latitude, Longitude,
                    ViolationType, Severity, SourceType, Description, Killed, Wounded)
                VALUES ($incident, 1, $occurred, $created, 'bench', $oblast, $location, $lat, $lon,
                    $type, $severity, $source, $description, $killed, $wounded)
                RETURNING Id
                """, "$incident", "$occurred", "$created", "$oblast", "$location", "$lat", "$lon", "$type", "$severity", "$source", "$description", "$killed", "$wounded");
            var insertEntry = Prepared(connection, """
                INSERT INTO TimelineEntries (IncidentId, At, Kind, Stage, Actor, Details, DueAt)
                VALUES ($incident, $at, $kind, 'UkrainianForces', $actor, $details, $due)
                RETURNING Id
                """, "$incident", "$at", "$kind", "$actor", "$details", "$due");
            _ = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (await timer.WaitForNextTickAsync())
                {
                    using var checkpointer = new SqliteConnection($"Data Source={database}");
                    checkpointer.Open();
                    using var checkpoint = checkpointer.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    checkpoint.ExecuteNonQuery();
                }
            });
            return new RawStore(connection, insert, insertReport, insertEntry);
        }

        private static SqliteCommand Prepared(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            command.Prepare();
            return command;
        }

        public async Task<long> InsertAsync(IncidentBody body)
        {
            await writeQueue.WaitAsync();
            try
            {
                BindIncident(body, DateTime.UtcNow.ToString(TimeFormat, CultureInfo.InvariantCulture));
                // Autocommit: one transaction per report, like the app's one save per report.
                return (long)(await insert.ExecuteScalarAsync())!;
            }
            finally
            {
                writeQueue.Release();
            }
        }

        /// <summary>Binds the incident INSERT's values (T0, tier 2 a day later, the body's fields) and returns its parameters.</summary>
        private SqliteParameterCollection BindIncident(IncidentBody body, string created)
        {
            var occurred = (body.OccurredAt ?? DateTimeOffset.UtcNow).UtcDateTime;
            var p = insert.Parameters;
            p[0].Value = body.Title ?? "";
            p[1].Value = occurred.ToString(TimeFormat, CultureInfo.InvariantCulture);
            p[2].Value = occurred.AddDays(1).ToString(TimeFormat, CultureInfo.InvariantCulture);
            p[3].Value = body.Oblast ?? "";
            p[4].Value = body.Location ?? "";
            p[5].Value = (object?)body.Latitude ?? DBNull.Value;
            p[6].Value = (object?)body.Longitude ?? DBNull.Value;
            p[7].Value = body.ViolationType ?? "Other";
            p[8].Value = body.Severity ?? "Minor";
            p[9].Value = body.SourceType ?? "Other";
            p[10].Value = body.Description ?? "";
            p[11].Value = (object?)body.Killed ?? DBNull.Value;
            p[12].Value = (object?)body.Wounded ?? DBNull.Value;
            p[13].Value = created;
            return p;
        }

        /// <summary>The incident row, its first report and its two timeline entries, in one transaction, as the app stores a report.</summary>
        public async Task<long> InsertWithReportAndTimelineAsync(IncidentBody body)
        {
            await writeQueue.WaitAsync();
            try
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                var created = DateTime.UtcNow.ToString(TimeFormat, CultureInfo.InvariantCulture);
                var p = BindIncident(body, created);
                var occurred = (string)p[1].Value!;
                insert.Transaction = transaction;
                var id = (long)(await insert.ExecuteScalarAsync())!;

                var r = insertReport.Parameters;
                r[0].Value = id;
                r[1].Value = occurred;
                r[2].Value = created;
                for (var i = 3; i < r.Count; i++)
                {
                    r[i].Value = p[i].Value; // oblast … wounded, the same values as the incident's
                }

                insertReport.Transaction = transaction;
                await insertReport.ExecuteScalarAsync();

                var e = insertEntry.Parameters;
                e[0].Value = id;
                e[1].Value = created;
                e[2].Value = "Reported";
                e[3].Value = "bench";
                e[4].Value = $"Shelling reported by MonitoringDrone at {body.Location}: {body.Description}";
                e[5].Value = DBNull.Value;
                insertEntry.Transaction = transaction;
                await insertEntry.ExecuteScalarAsync();
                e[2].Value = "StageEntered";
                e[3].Value = "escalation-engine";
                e[4].Value = $"Ukrainian forces due at {occurred}.";
                e[5].Value = occurred;
                await insertEntry.ExecuteScalarAsync();

                await transaction.CommitAsync();
                return id;
            }
            finally
            {
                insert.Transaction = insertReport.Transaction = insertEntry.Transaction = null;
                writeQueue.Release();
            }
        }
    }
}
