using System.Net.Http.Json;
using System.Xml.Linq;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Health;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// What a start reads before its first 200 is read with plain commands, not LINQ (docs/performance.md: the first LINQ
/// query of a process compiles EF Core's query pipeline): the key ring, the bootstrap's "all in place?", the start banner's "any account?"
/// and the health check's oldest due tier. Each must answer exactly as the LINQ it replaced, on either provider.
/// </summary>
public sealed class StartPathReadsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Identity's default, as the app registers it (a scoped service there).</summary>
    private static readonly ILookupNormalizer Normalizer = new UpperInvariantLookupNormalizer();

    [Fact]
    public async Task The_bootstrap_finds_nothing_to_do_exactly_when_its_steps_would_change_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var configured = new BootstrapOptions { AdminEmail = CeasefireWatchFactory.AdminEmail, ApiKey = CeasefireWatchFactory.SupervisorApiKey };
        Task<AccountBootstrapper.InPlace> FindAsync(BootstrapOptions options, string? secret) => app.WithDbAsync(db =>
            AccountBootstrapper.FindInPlaceAsync(db, Normalizer, options, secret, Ct));
        var bootstrapper = app.Services.GetServices<IHostedService>().OfType<AccountBootstrapper>().Single();

        // As the start left it.
        Assert.Equal(new(true, false), await FindAsync(configured, CeasefireWatchFactory.SupervisorApiKey));
        Assert.Equal(new(true, false), await FindAsync(new BootstrapOptions(), null));
        Assert.Equal(new(false, false), await FindAsync(configured, "a-secret-nobody-configured-before-0123"));

        // A role gone: something to do, and the full start puts it back.
        await app.WithDbAsync(db => db.Roles.Where(r => r.Name == Roles.Viewer).ExecuteDeleteAsync(Ct));
        Assert.False((await FindAsync(new BootstrapOptions(), null)).NothingToDo);
        await bootstrapper.StartAsync(Ct);
        Assert.True(await app.WithDbAsync(db => db.Roles.AnyAsync(r => r.Name == Roles.Viewer, Ct)));
        Assert.True((await FindAsync(configured, CeasefireWatchFactory.SupervisorApiKey)).NothingToDo);

        // The configured key with another role: something to do, and the full start makes it a Supervisor again.
        await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == BootstrapOptions.ApiKeyName)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.Role, Roles.Analyst), Ct));
        Assert.Equal(new(false, false), await FindAsync(configured, CeasefireWatchFactory.SupervisorApiKey));
        await bootstrapper.StartAsync(Ct);
        Assert.Equal(Roles.Supervisor, await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == BootstrapOptions.ApiKeyName).Select(k => k.Role).SingleAsync(Ct)));

        // Revoked by an administrator: nothing to do (it stays revoked), and KeyRevoked has the start log that it is.
        await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == BootstrapOptions.ApiKeyName)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, app.Now.UtcDateTime), Ct));
        Assert.Equal(new(true, true), await FindAsync(configured, CeasefireWatchFactory.SupervisorApiKey));
    }

    [Fact]
    public async Task The_bootstrap_has_an_administrator_to_create_only_when_one_is_configured_and_nobody_exists()
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };
        Task<AccountBootstrapper.InPlace> FindAsync(BootstrapOptions options) => app.WithDbAsync(db =>
            AccountBootstrapper.FindInPlaceAsync(db, Normalizer, options, null, Ct));

        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(Ct)));
        Assert.True((await FindAsync(new BootstrapOptions())).NothingToDo);
        Assert.False((await FindAsync(new BootstrapOptions { AdminEmail = "someone@example.org" })).NothingToDo);
        Assert.False(await app.WithDbAsync(db => StartupBanner.AnyAccountAsync(db, Ct)));   // the banner: setup is waiting

        Assert.True(await app.WithAsync<UserManager<AppUser>, bool>(async users =>
            (await users.CreateAsync(new AppUser { UserName = "first@example.org", Email = "first@example.org" }, "a passphrase long enough")).Succeeded));
        Assert.True((await FindAsync(new BootstrapOptions { AdminEmail = "someone@example.org" })).NothingToDo);
        Assert.True(await app.WithDbAsync(db => StartupBanner.AnyAccountAsync(db, Ct)));
    }

    [Fact]
    public async Task The_health_checks_oldest_due_tier_is_what_the_linq_query_it_replaced_answers()
    {
        await using var app = new CeasefireWatchFactory();
        await app.Engine.StopAsync(Ct);
        var api = app.CreateApiClient();
        var t0 = app.Now;
        // Deadlines a day after each violation, some to the tick; one incident resolved (not active any more).
        var offsets = new[] { TimeSpan.FromHours(-3), TimeSpan.FromMinutes(-30), TimeSpan.FromTicks(-1), TimeSpan.Zero, TimeSpan.FromMilliseconds(-1.5) };
        var incidents = new List<int>();
        foreach (var offset in offsets)
        {
            incidents.Add((await app.LogIncidentAsync(api, t0 + offset)).Id);
        }

        using (var resolve = await api.PostAsJsonAsync($"/api/incidents/{incidents[0]}/resolve", new { reason = "Ceased." }, Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, resolve.StatusCode);
        }

        var deadlines = await app.WithDbAsync(db => db.Incidents.Where(i => i.NextStageAt != null).Select(i => i.NextStageAt!.Value).ToListAsync(Ct));
        var instants = deadlines.SelectMany(d => new[] { d.AddTicks(-1), d, d.AddTicks(1) })
            .Append(t0.UtcDateTime).Append(t0.UtcDateTime.AddDays(2)).Select(d => DateTime.SpecifyKind(d, DateTimeKind.Utc)).ToList();
        var answered = 0;
        foreach (var now in instants)
        {
            var expected = await app.WithDbAsync(db => db.Incidents
                .Where(i => i.Status == IncidentStatus.Active && i.NextStageAt != null && i.NextStageAt <= now)
                .MinAsync(i => i.NextStageAt, Ct));
            var read = await app.WithDbAsync(db => HealthMonitor.OldestDueAsync(db, now, Ct));
            Assert.Equal(expected, read);
            answered += read is null ? 0 : 1;
        }

        Assert.InRange(answered, 1, instants.Count - 1);   // both answers occurred: a due tier and none
    }

    [Fact]
    public async Task Keys_written_by_the_frameworks_repository_and_by_ours_are_read_by_both_and_a_broken_row_costs_only_itself()
    {
        await using var app = new CeasefireWatchFactory();
        var ours = app.Services.GetRequiredService<DataProtectionKeyStore>();
        var theirs = new EntityFrameworkCoreXmlRepository<AppDbContext>(app.Services, NullLoggerFactory.Instance);

        ours.StoreElement(new XElement("key", new XAttribute("id", "ours"), new XElement("value", "<&> \"ünïcode\"")), "key-ours");
        theirs.StoreElement(new XElement("key", new XAttribute("id", "theirs")), "key-theirs");
        static IEnumerable<string?> Ids(IEnumerable<XElement> elements) => elements.Select(e => e.Attribute("id")?.Value);
        Assert.Superset(new HashSet<string?> { "ours", "theirs" }, Ids(theirs.GetAllElements()).ToHashSet());
        var read = ours.GetAllElements();
        Assert.Superset(new HashSet<string?> { "ours", "theirs" }, Ids(read).ToHashSet());
        Assert.Equal("<&> \"ünïcode\"", read.Single(e => e.Attribute("id")?.Value == "ours").Element("value")!.Value);
        Assert.Equal("key-ours", await app.WithDbAsync(db => db.DataProtectionKeys.Where(k => k.Xml!.Contains("\"ours\"")).Select(k => k.FriendlyName).SingleAsync(Ct)));

        // A row that is not XML (a hand edit, a bad restore): skipped, every other key still read.
        await app.WithDbAsync(async db =>
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "broken", Xml = "<key id=\"broken\"" });
            return await db.SaveChangesAsync(Ct);
        });
        var after = Ids(ours.GetAllElements()).ToList();
        Assert.Equal(Ids(read), after);
    }

    [Fact]
    public async Task What_one_process_protects_the_next_on_the_same_database_unprotects()
    {
        var path = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            string sealedText;
            await using (var first = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true })
            {
                sealedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("the session");
            }

            await using var second = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true };
            Assert.Equal("the session", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(sealedText));
            Assert.Equal(1, await second.WithDbAsync(db => db.DataProtectionKeys.CountAsync(Ct)));
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(path);
        }
    }
}
