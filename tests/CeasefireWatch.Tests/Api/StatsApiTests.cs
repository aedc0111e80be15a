using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;

namespace CeasefireWatch.Tests.Api;

/// <summary><c>GET /api/stats</c>, on an app of its own so the counts are exact.</summary>
public sealed class StatsApiTests
{
    private static readonly string[] StageNames = ["UkrainianForces", "Coalition", "UsBackstop"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Dictionary<string, int> Active, Dictionary<string, int> Resolved)> GetStatsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/stats", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (Counts("active"), Counts("resolved"));

        Dictionary<string, int> Counts(string name) =>
            json.RootElement.GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
    }

    private static async Task ResolveAsync(HttpClient client, int id)
    {
        using var response = await client.PostAsJsonAsync($"/api/incidents/{id}/resolve", new { reason = "Quiet." }, CeasefireWatchFactory.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stats_always_name_all_three_stages_and_count_resolved_incidents_by_the_highest_stage_reached()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();

        var (emptyActive, emptyResolved) = await GetStatsAsync(client);
        Assert.Equal(StageNames.ToDictionary(s => s, _ => 0), emptyActive);
        Assert.Equal(StageNames.ToDictionary(s => s, _ => 0), emptyResolved);

        var now = factory.Now;
        await factory.LogIncidentAsync(client, now);                       // active, tier 1
        await factory.LogIncidentAsync(client, now.AddHours(-1));          // active, tier 1
        await factory.LogIncidentAsync(client, now.AddHours(-80));         // active, tier 3
        var resolved1 = await factory.LogIncidentAsync(client, now.AddHours(-2));
        var resolved2a = await factory.LogIncidentAsync(client, now.AddHours(-30));
        var resolved2b = await factory.LogIncidentAsync(client, now.AddHours(-50));
        var resolved3 = await factory.LogIncidentAsync(client, now.AddHours(-100));
        foreach (var incident in new[] { resolved1, resolved2a, resolved2b, resolved3 })
        {
            await ResolveAsync(client, incident.Id);
        }

        var (active, resolved) = await GetStatsAsync(client);

        Assert.Equal(new Dictionary<string, int> { ["UkrainianForces"] = 2, ["Coalition"] = 0, ["UsBackstop"] = 1 }, active);
        Assert.Equal(new Dictionary<string, int> { ["UkrainianForces"] = 1, ["Coalition"] = 2, ["UsBackstop"] = 1 }, resolved);
    }
}
