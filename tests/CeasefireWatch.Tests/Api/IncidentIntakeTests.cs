using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// The group commit of new incidents (<see cref="IncidentIntake"/>): concurrent reports share one transaction, and
/// still every acknowledged report is stored exactly once, a report that fails fails alone (the others in its group
/// are stored whole, it is stored not at all), and a bad request is still a 400 that stores nothing.
/// </summary>
public sealed class IncidentIntakeTests : IAsyncDisposable
{
    private readonly SaveProbe probe = new();
    private readonly CeasefireWatchFactory factory;

    public IncidentIntakeTests()
    {
        factory = new CeasefireWatchFactory { TestServices = services => services.AddSingleton<IInterceptor>(probe) };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    /// <summary>A client of the started app; the probe watches only from then on (the migrations commit before).</summary>
    private HttpClient StartedClient()
    {
        var client = factory.CreateApiClient();
        probe.Armed = true;
        return client;
    }

    [Fact]
    public async Task Concurrent_reports_are_each_stored_exactly_once_with_their_own_first_tier()
    {
        using var client = StartedClient();
        var titles = Enumerable.Range(1, 48).Select(n => $"Concurrent report {n}").ToList();

        var responses = await Task.WhenAll(titles.Select(title => factory.PostIncidentAsync(client, change: b => b["title"] = title)));
        var created = new List<IncidentResponse>();
        foreach (var response in responses)
        {
            created.Add(await ReadAsync<IncidentResponse>(response, HttpStatusCode.Created));
            response.Dispose();
        }

        // Every answer names a different incident, and it is the one that request sent.
        Assert.Equal(titles.Order(), created.Select(c => c.Title).Order());
        Assert.Equal(created.Count, created.Select(c => c.Id).Distinct().Count());

        var stored = await factory.WithDbAsync(db => db.Incidents.AsNoTracking().Include(i => i.Timeline).ToListAsync(Ct));
        Assert.Equal(titles.Order(), stored.Select(i => i.Title).Order());
        Assert.All(stored, incident =>
        {
            var tier1 = Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.StageEntered);
            Assert.Equal(Stage.UkrainianForces, tier1.Stage);
            Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.Reported);
        });
    }

    [Fact]
    public async Task A_report_that_fails_in_a_group_fails_alone_and_the_others_are_stored()
    {
        using var client = StartedClient();

        // Hold the writer inside its transaction so the next reports queue up behind it and form one group.
        probe.Pause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = factory.PostIncidentAsync(client, change: b => b["title"] = "pause: the first report");
        await WaitUntilAsync(() => Task.FromResult(probe.Paused), because: "the first report's transaction started");

        var titles = Enumerable.Range(1, 12).Select(n => n == 5 ? "poison: the disk fills for this one" : $"Queued report {n}").ToList();
        var queued = titles.Select(title => factory.PostIncidentAsync(client, change: b => b["title"] = title)).ToList();
        var intake = factory.Services.GetRequiredService<IncidentIntake>();
        await WaitUntilAsync(() => Task.FromResult(intake.Queued == titles.Count), because: "every report is queued behind the first");
        probe.Pause.SetResult();

        using (var response = await first)
        {
            await ReadAsync<IncidentResponse>(response, HttpStatusCode.Created);
        }

        var answers = await Task.WhenAll(queued);
        for (var i = 0; i < titles.Count; i++)
        {
            using var response = answers[i];
            if (titles[i].StartsWith("poison", StringComparison.Ordinal))
            {
                // A storage fault of its own: 503 with Retry-After, never a 201 and never a 500.
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
            }
            else
            {
                Assert.Equal(titles[i], (await ReadAsync<IncidentResponse>(response, HttpStatusCode.Created)).Title);
            }
        }

        // They were tried together first: one transaction of all twelve, which the poisoned one sank.
        Assert.Contains(titles.Count, probe.GroupSizes);

        var stored = await factory.WithDbAsync(db => db.Incidents.AsNoTracking().Include(i => i.Timeline).ToListAsync(Ct));
        Assert.DoesNotContain(stored, i => i.Title.StartsWith("poison", StringComparison.Ordinal));
        Assert.Equal(titles.Count, stored.Count);
        Assert.All(stored, incident => Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.StageEntered));
        var orphans = await factory.WithDbAsync(db => db.TimelineEntries.CountAsync(e => !db.Incidents.Any(i => i.Id == e.IncidentId), Ct));
        Assert.Equal(0, orphans);
    }

    [Fact]
    public async Task A_bad_report_among_good_ones_is_a_400_and_stores_nothing()
    {
        using var client = StartedClient();
        var good = Enumerable.Range(1, 10).Select(n => factory.PostIncidentAsync(client, change: b => b["title"] = $"Good report {n}")).ToList();
        var bad = factory.PostIncidentAsync(client, change: b => b["oblast"] = "Atlantis");

        using var refused = await bad;
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("oblast", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        foreach (var response in await Task.WhenAll(good))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            response.Dispose();
        }

        Assert.Equal(10, await factory.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    /// <summary>
    /// Watches every transaction as it is about to commit, through the database itself (the intake writes with prepared
    /// statements, not SaveChanges): counts the incidents it adds, can hold it open, and fails any transaction holding
    /// a "poison" title as a full disk would.
    /// </summary>
    private sealed class SaveProbe : DbTransactionInterceptor
    {
        private readonly ConcurrentDictionary<string, bool> committed = new();
        private readonly ConditionalWeakTable<DbTransaction, List<string>> adding = [];

        public bool Armed { get; set; }

        public TaskCompletionSource? Pause { get; set; }

        public bool Paused { get; private set; }

        public ConcurrentBag<int> GroupSizes { get; } = [];

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (!Armed)
            {
                return result;
            }

            await using var titles = transaction.Connection!.CreateCommand();
            titles.Transaction = transaction;
            titles.CommandText = "SELECT \"Title\" FROM \"Incidents\"";
            var added = new List<string>();
            await using (var reader = await titles.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (!committed.ContainsKey(reader.GetString(0)))
                    {
                        added.Add(reader.GetString(0));
                    }
                }
            }

            if (added.Count > 0)
            {
                GroupSizes.Add(added.Count);
                adding.AddOrUpdate(transaction, added);
            }

            if (added.Any(t => t.StartsWith("pause", StringComparison.Ordinal)) && Pause is { } pause)
            {
                Paused = true;
                await pause.Task;
            }

            if (added.Any(t => t.StartsWith("poison", StringComparison.Ordinal)))
            {
                throw new SqliteException("database or disk is full (injected by the test)", 13);
            }

            return result;
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (adding.TryGetValue(transaction, out var added))
            {
                foreach (var title in added)
                {
                    committed[title] = true;
                }
            }

            return Task.CompletedTask;
        }
    }
}
