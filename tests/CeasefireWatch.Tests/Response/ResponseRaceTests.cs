using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Response;

/// <summary>
/// Two people acting on one incident at the same moment. An action whose incident changed between its read and its
/// write saved nothing, and is taken again on the incident as it now is: answers that do not conflict both land, and a
/// decision already taken by someone else is refused (409), never repeated.
/// </summary>
public sealed class ResponseRaceTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Before the next save that changes an incident, runs another writer's change through its own context: exactly the
    /// moment a concurrent request would commit between this one's read and its write.
    /// </summary>
    private sealed class InterleavedWrite : SaveChangesInterceptor
    {
        private Func<Task>? pending;

        public void Arm(Func<Task> write) => pending = write;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<Incident>().Any(e => e.State == EntityState.Modified)
                && Interlocked.Exchange(ref pending, null) is { } write)
            {
                await write();
            }

            return result;
        }
    }

    private static (CeasefireWatchFactory App, InterleavedWrite Interleave) Start()
    {
        var interleave = new InterleavedWrite();
        var app = new CeasefireWatchFactory { TestServices = s => s.AddSingleton<IInterceptor>(interleave) };
        return (app, interleave);
    }

    /// <summary>Another writer's action on the incident, through the domain and a context of its own.</summary>
    private static Func<Task> Meanwhile(CeasefireWatchFactory app, int id, Action<Incident, EscalationPolicy, DateTime> act) => async () =>
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var incident = await db.Incidents.Include(i => i.Acknowledgements).SingleAsync(i => i.Id == id, Ct);
        act(incident, scope.ServiceProvider.GetRequiredService<EscalationPolicy>(), app.Now.UtcDateTime);
        await db.SaveChangesAsync(Ct);
    };

    private static async Task<JsonElement> GetAsync(HttpClient api, int id) =>
        JsonDocument.Parse(await api.GetStringAsync($"/api/incidents/{id}", Ct)).RootElement.Clone();

    [Fact]
    public async Task An_answer_recorded_while_another_lands_first_is_recorded_too()
    {
        var (app, interleave) = Start();
        await using var _ = app;
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api, app.Now - Day - TimeSpan.FromMinutes(1));
        var roster = new[] { new RosterMember("France", true), new RosterMember("Germany", false) };
        interleave.Arm(Meanwhile(app, incident.Id, (i, _, now) => i.RecordCoalitionAnswer(roster[1], AcknowledgementState.Acknowledged, "Berlin.", roster, now, "other analyst")));

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/acknowledgements", new { country = "France", state = "Deployed" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await GetAsync(api, incident.Id);
        var answers = after.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "CoalitionAnswer")
            .Select(e => e.GetProperty("details").GetString()!).ToList();
        Assert.Equal(2, answers.Count);
        Assert.Contains(answers, a => a.StartsWith("Germany: Acknowledged", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith("France (lead): Deployed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_escalation_that_finds_the_tier_entered_meanwhile_is_refused_and_changes_nothing()
    {
        var (app, interleave) = Start();
        await using var _ = app;
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        interleave.Arm(Meanwhile(app, incident.Id, (i, policy, now) => i.EscalateEarly("The other supervisor.", Stage.Coalition, now, "other supervisor", policy)));

        using var response = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/escalate", new { reason = "Larger attack.", toStage = "Coalition" }, Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
        var after = await CeasefireWatchFactory.GetIncidentAsync(api, incident.Id);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition], after.StagesEntered.Select(e => e.Stage));
        Assert.Equal("other supervisor", after.StagesEntered[1].Actor);
    }

    [Fact]
    public async Task Three_answers_at_once_all_land_once()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        string[] countries = ["France", "United Kingdom", "Germany"];
        for (var trial = 0; trial < 5; trial++)
        {
            var incident = await app.LogIncidentAsync(api, app.Now - Day - TimeSpan.FromMinutes(1));

            // Three writers: each can lose the race to each of the other two at most once, and is tried three times.
            var answers = await Task.WhenAll(countries.Select(country => api.PostAsJsonAsync(
                $"/api/incidents/{incident.Id}/acknowledgements", new { country, state = "Acknowledged" }, Ct)));

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            var after = await GetAsync(api, incident.Id);
            var recorded = after.GetProperty("coalition").EnumerateArray()
                .Where(m => m.GetProperty("state").ValueKind != JsonValueKind.Null).Select(m => m.GetProperty("country").GetString()).Order();
            Assert.Equal(countries.Order(), recorded);
            Assert.Equal(3, after.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "CoalitionAnswer"));
        }
    }

    [Fact]
    public async Task Two_supervisors_merging_a_pair_in_opposite_directions_at_once_merge_it_once()
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        for (var trial = 0; trial < 10; trial++)
        {
            var a = await app.LogIncidentAsync(api, app.Now - TimeSpan.FromHours(2));
            var b = await app.LogIncidentAsync(api, app.Now - TimeSpan.FromHours(1));

            var answers = await Task.WhenAll(
                api.PostAsJsonAsync($"/api/incidents/{a.Id}/merge", new { intoId = b.Id }, Ct),
                api.PostAsJsonAsync($"/api/incidents/{b.Id}/merge", new { intoId = a.Id }, Ct));

            Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
            await Problems.AssertProblemAsync(Assert.Single(answers, r => r.StatusCode != HttpStatusCode.OK), HttpStatusCode.Conflict);
            var states = new[] { await CeasefireWatchFactory.GetIncidentAsync(api, a.Id), await CeasefireWatchFactory.GetIncidentAsync(api, b.Id) };
            var merged = Assert.Single(states, s => s.Status == IncidentStatus.Merged);
            var survivor = Assert.Single(states, s => s.Status == IncidentStatus.Active);
            Assert.Equal(2, survivor.Reports!.Count);
            Assert.Equal(a.OccurredAt, survivor.OccurredAt);
            Assert.Single(survivor.StagesEntered);
            Assert.NotEqual(merged.Id, survivor.Id);
        }
    }
}
