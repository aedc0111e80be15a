using BenchmarkDotNet.Attributes;
using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Bench;

/// <summary>
/// The policy's cost per decision against the least any implementation must do (three additions and
/// comparisons inline). The engine and every request call it, so its overhead should stay a small ratio.
/// </summary>
[MemoryDiagnoser]
public class EscalationPolicyBenchmarks
{
    private static readonly TimeSpan Tier2 = TimeSpan.FromHours(24);
    private static readonly TimeSpan Tier3 = TimeSpan.FromHours(72);
    private readonly EscalationPolicy policy = new(Tier2, Tier3);
    private readonly DateTime now = new(2026, 2, 8, 6, 0, 0, DateTimeKind.Utc);
    private DateTime[] t0s = [];

    [GlobalSetup]
    public void Setup() =>
        t0s = [now, now.AddHours(-30), now.AddHours(-80), now.AddHours(-1)];

    [Benchmark(Baseline = true)]
    public int InlineArithmetic()
    {
        var reached = 0;
        foreach (var t0 in t0s)
        {
            reached += 1 + (t0 + Tier2 <= now ? 1 : 0) + (t0 + Tier3 <= now ? 1 : 0);
        }

        return reached;
    }

    [Benchmark]
    public int PolicyDueStagesAndNext()
    {
        var reached = 0;
        foreach (var t0 in t0s)
        {
            reached += policy.DueStages(Stage.UkrainianForces, t0, ceasedAt: null, now).Count;
            reached += policy.NextStageAt(Stage.UkrainianForces, IncidentStatus.Active, t0) is null ? 0 : 1;
        }

        return reached;
    }
}
