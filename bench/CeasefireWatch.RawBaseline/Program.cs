using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CeasefireWatch.RawBaseline;
using Microsoft.Data.Sqlite;

// The raw baseline that bench/run loads alternately with the app: a minimal endpoint that inserts the same
// Incidents row with Microsoft.Data.Sqlite, under the same per-connection pragmas as the app, with writes queued
// in-process (one at a time behind a semaphore) so SQLite's sleeping busy handler never runs. No auth, no
// validation beyond JSON binding, no timeline, no logging: what the app costs is measured against this.
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

    /// <summary>One connection, the app's pragmas, one prepared INSERT, one write at a time.</summary>
    internal sealed class RawStore
    {
        private readonly SemaphoreSlim writeQueue = new(1, 1);
        private readonly SqliteCommand insert;

        private RawStore(SqliteCommand insert) => this.insert = insert;

        public static RawStore Create(string database, string schemaFrom)
        {
            // The app's Incidents table and every index on it, so the same row costs the same index updates.
            var ddl = new List<string>();
            using (var app = new SqliteConnection($"Data Source={schemaFrom};Mode=ReadOnly"))
            {
                app.Open();
                using var read = app.CreateCommand();
                read.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'Incidents' AND sql IS NOT NULL ORDER BY type DESC";
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
                // none in a commit, a PASSIVE checkpoint every second on a connection of its own (the app's WalCheckpointer).
                setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0; "
                    + "DROP TABLE IF EXISTS Incidents; " + string.Join("; ", ddl) + ";";
                setup.ExecuteNonQuery();
            }

            var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO Incidents (Title, Status, Stage, OccurredAt, NextStageAt, Oblast, Location, Latitude, Longitude,
                    ViolationType, Severity, SourceType, Description, Killed, Wounded, CreatedAt, CreatedBy, Version, Verification)
                VALUES ($title, 'Active', 'UkrainianForces', $occurred, $next, $oblast, $location, $lat, $lon,
                    $type, $severity, $source, $description, $killed, $wounded, $created, 'bench', 1, 'Unverified')
                RETURNING Id
                """;
            foreach (var name in new[] { "$title", "$occurred", "$next", "$oblast", "$location", "$lat", "$lon", "$type", "$severity", "$source", "$description", "$killed", "$wounded", "$created" })
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            insert.Prepare();
            _ = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                while (await timer.WaitForNextTickAsync())
                {
                    using var checkpointer = new SqliteConnection($"Data Source={database}");
                    checkpointer.Open();
                    using var checkpoint = checkpointer.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    checkpoint.ExecuteNonQuery();
                }
            });
            return new RawStore(insert);
        }

        public async Task<long> InsertAsync(IncidentBody body)
        {
            var occurred = (body.OccurredAt ?? DateTimeOffset.UtcNow).UtcDateTime;
            await writeQueue.WaitAsync();
            try
            {
                var p = insert.Parameters;
                p[0].Value = body.Title ?? "";
                p[1].Value = occurred.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                p[2].Value = occurred.AddDays(1).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
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
                p[13].Value = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                // Autocommit: one transaction per report, like the app's one save per report.
                return (long)(await insert.ExecuteScalarAsync())!;
            }
            finally
            {
                writeQueue.Release();
            }
        }
    }
}
