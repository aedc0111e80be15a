using System.Data.Common;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Escalation;

/// <summary>
/// The engine prepares its first batch (the batch writer's statements, the notification rules in force)
/// <see cref="EscalationEngine.PrepareDelay"/> after its start, so the first burst of tiers does not wait for that work;
/// and a preparation that fails changes nothing the engine does.
/// </summary>
public sealed class EnginePreparationTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    /// <summary>Counts the reads of the notification rules; fails the next ones when told to.</summary>
    private sealed class RuleReads : DbCommandInterceptor
    {
        private int failuresLeft;
        private int count;

        public int Count => Volatile.Read(ref count);

        public void FailNext(int reads) => failuresLeft = reads;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"NotificationRules\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref count);
                if (Interlocked.Decrement(ref failuresLeft) >= 0)
                {
                    throw new InvalidOperationException("injected: the rules could not be read");
                }
            }

            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task The_engine_reads_the_rules_and_builds_its_statements_once_the_start_has_settled_not_at_the_first_tier()
    {
        var reads = new RuleReads();
        var tier2After = TimeSpan.FromSeconds(30);
        await using var factory = new CeasefireWatchFactory
        {
            Tier2After = tier2After,
            Tier3After = TimeSpan.FromMinutes(5),
            TestServices = s => s.AddSingleton<IInterceptor>(reads),
        };
        await factory.WaitForEngineRunAsync(factory.Now.UtcDateTime);
        Assert.Equal(0, reads.Count); // nothing at start: the start's first answers do not share the CPU with it

        factory.Clock.Advance(EscalationEngine.PrepareDelay);
        await WaitUntilAsync(() => Task.FromResult(reads.Count == 1), because: "the engine read the rules in force");
        Assert.True(await factory.WithDbAsync(db => Task.FromResult(IncidentBatchWriter.IsPrepared(db.Model))));

        // On SQLite the report and the engine's first tier use that reading (it is shared while fresh): neither reads
        // the rules. On PostgreSQL another instance may change them, so every save reads its own.
        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        factory.Clock.Advance(tier2After);
        await factory.WaitForEngineRunAsync(factory.Now.UtcDateTime);
        var coalition = (await GetIncidentAsync(client, logged.Id)).StagesEntered.Single(e => e.Stage == Stage.Coalition);
        Assert.Equal(logged.OccurredAt + tier2After, coalition.At);
        Assert.Equal(factory.OnPostgres ? 3 : 1, reads.Count);
    }

    [Fact]
    public async Task A_preparation_that_fails_leaves_the_engine_entering_tiers_on_time()
    {
        var reads = new RuleReads();
        await using var factory = new CeasefireWatchFactory { TestServices = s => s.AddSingleton<IInterceptor>(reads) };
        await factory.WaitForEngineRunAsync(factory.Now.UtcDateTime);
        reads.FailNext(1);
        factory.Clock.Advance(EscalationEngine.PrepareDelay);
        await WaitUntilAsync(() => Task.FromResult(reads.Count == 1), because: "the engine tried to read the rules");

        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        factory.Clock.Advance(Day);
        await factory.WaitForEngineRunAsync(factory.Now.UtcDateTime);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.Coalition, incident.Stage);
        Assert.Equal(logged.OccurredAt + Day, incident.StagesEntered.Single(e => e.Stage == Stage.Coalition).At);
        Assert.Null(factory.Services.GetRequiredService<EscalationEngineStatus>().Current.LastError);

        // Nor does it surface when the engine stops (a faulted preparation awaited at the end would fault the engine).
        await factory.Engine.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(factory.Engine.ExecuteTask!.IsCompletedSuccessfully);
    }
}
