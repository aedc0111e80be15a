using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Features.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Tests.Data;

/// <summary>The embedded reference data, what the database holds after start, health, and start-up validation.</summary>
public sealed class SeedTests
{
    private static readonly SeedData Seeds = SeedData.Load();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_region_seeds_are_exactly_the_27_canonical_oblasts_of_the_contract()
    {
        Assert.Equal(27, Oblasts.All.Count);
        Assert.Equal(27, Seeds.Regions.Count);
        Assert.Equal(Oblasts.All.Order(StringComparer.Ordinal), Seeds.Regions.Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_region_has_a_ukrainian_name()
    {
        Assert.All(Seeds.Regions, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.NameUk), $"{r.Name} has no Ukrainian name.");
            Assert.True(r.NameUk.Any(c => c is >= '\u0400' and <= '\u04FF'), $"{r.Name}'s Ukrainian name '{r.NameUk}' has no Cyrillic letter.");
        });
        Assert.Equal(Seeds.Regions.Count, Seeds.Regions.Select(r => r.NameUk).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_map_draws_every_region_once_and_nothing_else()
    {
        var map = RegionMap.Load();
        var drawn = map.Regions.Select(r => r.Name).Concat(map.Markers.Select(m => m.Name)).ToList();

        Assert.Equal(Seeds.Regions.Select(r => r.Name).Order(StringComparer.Ordinal), drawn.Order(StringComparer.Ordinal));
        Assert.Equal(["Sevastopol"], map.Markers.Select(m => m.Name));
    }

    [Fact]
    public void Every_outline_is_closed_path_data_and_every_label_and_marker_lies_in_the_view()
    {
        var map = RegionMap.Load();
        var view = map.ViewBox.Split(' ').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        bool InView(int x, int y) => x > view[0] && y > view[1] && x < view[0] + view[2] && y < view[1] + view[3];

        Assert.All(map.Regions, r =>
        {
            Assert.Matches("^(M-?[0-9.]+ -?[0-9.]+l[-0-9. ]+z)+$", r.Path);
            Assert.True(InView(r.LabelX, r.LabelY), $"{r.Name}'s label is at ({r.LabelX}, {r.LabelY}).");
        });
        Assert.All(map.Markers, m => Assert.True(InView(m.X, m.Y), $"{m.Name} is at ({m.X}, {m.Y})."));
    }

    [Fact]
    public void The_map_keeps_the_regions_where_they_lie_west_to_east_and_north_to_south()
    {
        var labels = RegionMap.Load().Regions.ToDictionary(r => r.Name);

        Assert.True(labels["Zakarpattia"].LabelX < labels["Lviv"].LabelX && labels["Lviv"].LabelX < labels["Kyiv"].LabelX
            && labels["Kyiv"].LabelX < labels["Kharkiv"].LabelX && labels["Kharkiv"].LabelX < labels["Luhansk"].LabelX);
        Assert.True(labels["Chernihiv"].LabelY < labels["Kyiv"].LabelY && labels["Kyiv"].LabelY < labels["Mykolaiv"].LabelY
            && labels["Mykolaiv"].LabelY < labels["Kherson"].LabelY && labels["Kherson"].LabelY < labels["Crimea"].LabelY);
    }

    [Fact]
    public void Region_kinds_name_the_two_cities_and_the_autonomous_republic()
    {
        Assert.Equal(["Kyiv City", "Sevastopol"], Seeds.Regions.Where(r => r.Kind == "city").Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["Crimea"], Seeds.Regions.Where(r => r.Kind == "autonomous-republic").Select(r => r.Name));
        Assert.Equal(24, Seeds.Regions.Count(r => r.Kind == "oblast"));
    }

    [Fact]
    public void The_policy_seed_windows_equal_the_escalation_option_defaults()
    {
        var defaults = new EscalationOptions();

        Assert.Equal(defaults.Tier2After, Seeds.Policy.Tier2After);
        Assert.Equal(defaults.Tier3After, Seeds.Policy.Tier3After);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition, Stage.UsBackstop], Seeds.Policy.Tiers.Select(t => t.Stage));
        Assert.Equal([1, 2, 3], Seeds.Policy.Tiers.Select(t => t.Number));
        Assert.Equal([TimeSpan.Zero, defaults.Tier2After, defaults.Tier3After], Seeds.Policy.Tiers.Select(t => t.DefaultAfter));
        Assert.All(Seeds.Policy.Tiers, t => Assert.False(string.IsNullOrWhiteSpace(t.Responder)));
    }

    [Fact]
    public void The_coalition_seed_names_each_member_once_with_an_iso_code()
    {
        Assert.NotEmpty(Seeds.Coalition.Members);
        Assert.True(Seeds.Coalition.MemberCount >= Seeds.Coalition.Members.Count);
        Assert.Equal(Seeds.Coalition.Members.Count, Seeds.Coalition.Members.Select(m => m.Country).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Seeds.Coalition.Members, m => Assert.Matches("^[A-Z]{2}$", m.Iso2));
        Assert.Contains(Seeds.Coalition.Members, m => m.Iso2 == "GB");
        Assert.Contains(Seeds.Coalition.Members, m => m.Iso2 == "FR");
    }

    [Fact]
    public async Task After_start_the_reference_tables_hold_the_seeds_and_a_restart_does_not_duplicate_them()
    {
        var path = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var factory = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true };

                var (regions, members, tiers) = await factory.WithDbAsync(async db => (
                    await db.Regions.AsNoTracking().ToListAsync(Ct),
                    await db.CoalitionMembers.AsNoTracking().ToListAsync(Ct),
                    await db.PolicyTiers.AsNoTracking().ToListAsync(Ct)));

                Assert.Equal(
                    Seeds.Regions.Select(r => (r.Name, r.NameUk, r.Kind)).Order(),
                    regions.Select(r => (r.Name, r.NameUk, r.Kind)).Order());
                Assert.Equal(
                    Seeds.Coalition.Members.Select(m => (m.Country, m.Iso2)).Order(),
                    members.Select(m => (m.Country, m.Iso2)).Order());
                Assert.Equal(
                    Seeds.Policy.Tiers.Select(t => (t.Stage, t.Number, t.DefaultAfter)),
                    tiers.OrderBy(t => t.Number).Select(t => (t.Stage, t.Number, t.DefaultAfter)));
            }
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    [Trait("Database", "SqliteOnly")] // PostgreSQL re-seeds at every start, under the start-up lock
    public async Task A_restart_rewrites_the_reference_tables_only_when_the_seeds_changed_since_they_were_written()
    {
        var path = CeasefireWatchFactory.NewDatabasePath();
        const string Tampered = "edited outside the seeds";
        async Task<(string NameUk, int UserVersion)> StartAndReadAsync(Func<AppDbContext, Task>? before = null)
        {
            await using var factory = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true };
            return await factory.WithDbAsync(async db =>
            {
                if (before is not null)
                {
                    await before(db);
                }

                return ((await db.Regions.AsNoTracking().SingleAsync(r => r.Name == "Kharkiv", Ct)).NameUk,
                    await db.Database.SqlQueryRaw<int>("SELECT user_version AS Value FROM pragma_user_version").SingleAsync(Ct));
            });
        }

        try
        {
            var first = await StartAndReadAsync();
            Assert.Equal(SeedData.Fingerprint(), first.UserVersion);

            // Same seeds: the start leaves the tables alone (this edit, made behind the app's back, survives it)…
            await StartAndReadAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE Regions SET NameUk = '" + Tampered + "' WHERE Name = 'Kharkiv'", Ct));
            var unchanged = await StartAndReadAsync();
            Assert.Equal(Tampered, unchanged.NameUk);

            // …different seeds from those last written (as after an upgrade that edited seeds/): rewritten from the seeds.
            await StartAndReadAsync(db => db.Database.ExecuteSqlRawAsync("PRAGMA user_version = 12345", Ct));
            var reseeded = await StartAndReadAsync();
            Assert.Equal(Seeds.Regions.Single(r => r.Name == "Kharkiv").NameUk, reseeded.NameUk);
            Assert.Equal(SeedData.Fingerprint(), reseeded.UserVersion);
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task The_configured_windows_default_to_the_policy_seed()
    {
        await using var factory = new CeasefireWatchFactory();

        var options = factory.Services.GetRequiredService<IOptions<EscalationOptions>>().Value;
        var policy = factory.Services.GetRequiredService<EscalationPolicy>();

        Assert.Equal(Seeds.Policy.Tier2After, options.Tier2After);
        Assert.Equal(Seeds.Policy.Tier3After, options.Tier3After);
        Assert.Equal(Seeds.Policy.Tier2After, policy.Tier2After);
        Assert.Equal(Seeds.Policy.Tier3After, policy.Tier3After);
    }

    [Fact]
    public async Task Health_answers_200_when_the_app_and_its_database_are_usable()
    {
        await using var factory = new CeasefireWatchFactory();
        using var client = factory.CreateClient();   // not the JSON API: /health stays open to probes

        using var response = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(factory.OnPostgres || File.Exists(factory.DatabasePath), "The database file is created at start.");
    }

    [Theory]
    [InlineData("1.00:00:00", "1.00:00:00", "Escalation:Tier3After", "Escalation:Tier2After")]
    [InlineData("2.00:00:00", "1.00:00:00", "Escalation:Tier3After", "Escalation:Tier2After")]
    [InlineData("00:00:00", "3.00:00:00", "Escalation:Tier2After", null)]
    [InlineData("-01:00:00", "3.00:00:00", "Escalation:Tier2After", null)]
    public async Task Invalid_escalation_windows_fail_at_start_with_a_message_naming_the_keys(
        string tier2, string tier3, string key, string? otherKey)
    {
        await using var factory = new CeasefireWatchFactory
        {
            Tier2After = TimeSpan.Parse(tier2, System.Globalization.CultureInfo.InvariantCulture),
            Tier3After = TimeSpan.Parse(tier3, System.Globalization.CultureInfo.InvariantCulture),
        };

        var failure = Record.Exception(() => factory.Services);

        Assert.NotNull(failure);
        var chain = Flatten(failure).ToList();
        Assert.Contains(chain, e => e is OptionsValidationException);
        var messages = string.Join(Environment.NewLine, chain.Select(e => e.Message));
        Assert.Contains(key, messages, StringComparison.Ordinal);
        if (otherKey is not null)
        {
            Assert.Contains(otherKey, messages, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        IEnumerable<Exception> children = exception is AggregateException aggregate ? aggregate.InnerExceptions
            : exception.InnerException is { } inner ? [inner]
            : [];
        foreach (var child in children.SelectMany(Flatten))
        {
            yield return child;
        }
    }
}
