using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Imports;

namespace CeasefireWatch.Tests.Import;

/// <summary>
/// The migration that gave imported incidents their event (<c>ImportedEventReference</c>) finds the ACLED incidents an
/// older build imported, so the first re-import after an upgrade does not add them again. Run on either database.
/// </summary>
public sealed class AcledEventBackfillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_older_builds_acled_incidents_get_their_event_and_a_re_import_adds_none_of_them()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        var export = AcledHeader
            + Acled("UKR500001", "2024-08-01", "Battles", "Armed clash", "Donetsk", "Toretsk", "48.40", "37.85", "Clash.", "0")
            + Acled("UKR500002", "2024-08-02", "Explosions/Remote violence", "Air/drone strike", "Odesa", "Odesa", "46.48", "30.72", "Drones.", "1")
            + Acled("ukr500003", "2024-08-03", "Battles", "Armed clash", "Kharkiv", "Kupiansk", "49.71", "37.61", "Clash.", "0");
        Assert.Equal(3, (await AssertImportedAsync(await PostAsync(client, export))).GetProperty("imported").GetInt32());

        // Incidents the migration must not take for ACLED events: one still active (not history), one whose title
        // begins with something other than an event id, both imported from the Incidents format as open-source reports.
        var lookalikes = "title,occurred_at,ceased_at,oblast,source_type\r\n"
            + Line("UKR500004 · Armed clash — Siversk", Iso(app.Now.AddHours(-2)), null, "Donetsk", "OpenSource")
            + Line("Report 7 · Shelling — Kherson", Iso(app.Now.AddDays(-3)), Iso(app.Now.AddDays(-2)), "Kherson", "OpenSource");
        Assert.Equal(2, (await AssertImportedAsync(await PostAsync(client, lookalikes))).GetProperty("imported").GetInt32());

        // The database as the older build left it: no reference column, and UKR500002 imported twice already.
        await app.WithDbAsync(async db =>
        {
            var migrator = db.GetService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            var backfill = migrations.FindIndex(m => m.EndsWith("_ImportedEventReference", StringComparison.Ordinal));
            await migrator.MigrateAsync(migrations[backfill - 1], Ct);

            var incident = db.Model.FindEntityType(typeof(Incident))!;
            var columns = string.Join(", ", incident.GetProperties()
                .Where(p => !p.IsPrimaryKey() && p.Name != nameof(Incident.ExternalReference))
                .Select(p => $"\"{p.GetColumnName()}\""));
            var duplicate = $"INSERT INTO \"Incidents\" ({columns}) SELECT {columns} FROM \"Incidents\" WHERE \"Title\" LIKE 'UKR500002 %'";
            await db.Database.ExecuteSqlRawAsync(duplicate, Ct); // the model's own column names, nothing from outside

            await migrator.MigrateAsync(cancellationToken: Ct);
            return 0;
        });

        var stored = await app.WithDbAsync(db => db.Incidents.OrderBy(i => i.Id)
            .Select(i => new { i.Title, i.ExternalReference }).ToListAsync(Ct));
        Assert.Equal(6, stored.Count);
        Assert.Equal(
            ["ACLED:UKR500001", "ACLED:UKR500002", "ACLED:UKR500003", null, null, null],
            stored.Select(i => i.ExternalReference));
        Assert.StartsWith("UKR500002 ", stored[5].Title, StringComparison.Ordinal);

        var again = await AssertImportedAsync(await PostAsync(client, export));
        Assert.Equal((0, 3), (again.GetProperty("imported").GetInt32(), again.GetProperty("alreadyImported").GetInt32()));
    }
}
