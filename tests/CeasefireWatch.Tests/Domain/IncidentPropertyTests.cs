using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;

namespace CeasefireWatch.Tests.Domain;

/// <summary>
/// Random histories (late logging, follow-ups earlier and later than T0, engine runs at random moments,
/// resolutions, reopenings) against a small reference model of the rules, with the invariants every
/// history must keep. Each seed is a fixed, replayable history.
/// </summary>
public sealed class IncidentPropertyTests
{
    private static readonly EscalationPolicy Policy = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72));
    private static readonly DateTime Start = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 300; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_random_history_keeps_the_escalation_rules(int seed)
    {
        var random = new Random(seed);
        var now = Start;
        var t0 = now - Hours(random, 0, 100);
        var incident = Incident.Log("History", Report(t0), now, "analyst", Policy);
        var model = new Model(t0);
        model.Apply(now);

        for (var step = 0; step < 25; step++)
        {
            now += Hours(random, 0, 20);
            switch (random.Next(5))
            {
                case 0:
                    // The engine runs (or not) at this moment.
                    incident.ApplyDueStages(Policy, now);
                    model.Apply(now);
                    break;
                case 1 when incident.Status == IncidentStatus.Active:
                    var occurred = now - Hours(random, 0, 120);
                    incident.AddFollowUp(Report(occurred), now, "analyst", Policy);
                    model.FollowUp(occurred, now);
                    break;
                case 2 when incident.Status == IncidentStatus.Active:
                    var ceased = Max(incident.OccurredAt, now - Hours(random, 0, 30));
                    incident.Resolve(ceased, "Quiet.", now, "supervisor", Policy);
                    model.Resolve(ceased);
                    break;
                case 3 when incident.Status == IncidentStatus.Resolved:
                    incident.Reopen("Resumed.", now, "supervisor", Policy);
                    model.Reopen(now);
                    break;
                default:
                    break;
            }

            AssertInvariants(incident, model, now, seed);
        }
    }

    private static void AssertInvariants(Incident incident, Model model, DateTime now, int seed)
    {
        var entered = incident.Timeline.Where(e => e.Kind == TimelineKind.StageEntered).ToList();
        var context = $"seed {seed} at {now:O}";

        Assert.True(model.Stage == incident.Stage, $"{context}: stage {incident.Stage}, model says {model.Stage}");
        Assert.True(model.T0 == incident.OccurredAt, $"{context}: T0 {incident.OccurredAt:O}, model says {model.T0:O}");

        // Exactly one StageEntered per tier entered, in tier order, up to the current tier.
        Assert.Equal(StageInfo.All.Where(s => s <= incident.Stage), entered.Select(e => e.Stage));

        // Each was due no later than it was recorded, and never before the T0 the policy used then.
        Assert.All(entered, e => Assert.True(e.DueAt <= e.At, $"{context}: {e.Stage} recorded at {e.At:O} before due {e.DueAt:O}"));

        // Tiers never go down; the clock runs only while active, towards the policy's next deadline.
        var expectedNext = incident.Status == IncidentStatus.Active && incident.Stage.Next() is { } next
            ? Policy.DueAt(next, incident.OccurredAt)
            : (DateTime?)null;
        Assert.True(expectedNext == incident.NextStageAt, $"{context}: next {incident.NextStageAt:O}, expected {expectedNext:O}");
        Assert.True(incident.Status == model.Status, $"{context}: status {incident.Status}, model says {model.Status}");
    }

    /// <summary>The rules, restated as plainly as possible.</summary>
    private sealed class Model(DateTime t0)
    {
        public DateTime T0 { get; private set; } = t0;

        public Stage Stage { get; private set; } = Stage.UkrainianForces;

        public IncidentStatus Status { get; private set; } = IncidentStatus.Active;

        /// <summary>While active, every tier whose deadline has come is entered.</summary>
        public void Apply(DateTime now)
        {
            if (Status == IncidentStatus.Active)
            {
                Stage = Highest(Stage, ReachedBy(now, inclusive: true));
            }
        }

        public void FollowUp(DateTime occurred, DateTime now)
        {
            if (occurred < T0)
            {
                T0 = occurred;
            }

            Apply(now);
        }

        /// <summary>A tier is reached on resolution only if it fell due strictly before hostilities ceased.</summary>
        public void Resolve(DateTime ceasedAt)
        {
            Stage = Highest(Stage, ReachedBy(ceasedAt, inclusive: false));
            Status = IncidentStatus.Resolved;
        }

        public void Reopen(DateTime now)
        {
            Status = IncidentStatus.Active;
            Apply(now);
        }

        private Stage ReachedBy(DateTime moment, bool inclusive)
        {
            var elapsed = moment - T0;
            bool Passed(TimeSpan window) => inclusive ? elapsed >= window : elapsed > window;
            return Passed(Policy.Tier3After) ? Stage.UsBackstop
                : Passed(Policy.Tier2After) ? Stage.Coalition
                : Stage.UkrainianForces;
        }

        private static Stage Highest(Stage a, Stage b) => a > b ? a : b;
    }

    private static ReportDetails Report(DateTime occurredAt) =>
        new(occurredAt, "Donetsk", "Pokrovsk", ViolationType.Shelling, Severity.Serious, SourceType.UkrainianForces, "Random history.");

    private static TimeSpan Hours(Random random, int min, int max) =>
        TimeSpan.FromMinutes(random.Next(min * 60, max * 60 + 1));

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
