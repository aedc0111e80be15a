using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Tests.Domain;

/// <summary>
/// Random histories (late logging, follow-ups earlier and later than T0, engine runs and restarts at random moments,
/// resolutions, reopenings, verifications and false reports, early escalations to any tier) against a small reference
/// model of the rules, with the invariants every history must keep: never early, never while resolved, held or
/// dismissed, exactly one <c>StageEntered</c> per tier, tiers never down, T0 the earliest occurrence, and each
/// <c>dueAt</c> the model's. Each seed is a fixed, replayable history; half run with verification required.
/// </summary>
public sealed class IncidentPropertyTests
{
    private static readonly EscalationPolicy Policy = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72));
    private static readonly EscalationPolicy Verifying = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72), requireVerificationBeyondTier1: true);
    private static readonly DateTime Start = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 2000; seed++)
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
        var policy = seed % 2 == 0 ? Verifying : Policy;
        var now = Start;
        var t0 = now - Hours(random, 0, 100);
        var incident = Incident.Log("History", Report(t0), now, "analyst", policy);
        var model = new Model(t0, policy);
        model.Apply(now);
        AssertInvariants(incident, model, now, seed);

        for (var step = 0; step < 25; step++)
        {
            now += Hours(random, 0, 20);
            switch (random.Next(8))
            {
                case 0:
                    // The engine runs (or not) at this moment.
                    incident.ApplyDueStages(policy, now);
                    model.Apply(now);
                    break;
                case 1 when incident.Status == IncidentStatus.Active:
                    var occurred = now - Hours(random, 0, 120);
                    incident.AddFollowUp(Report(occurred), now, "analyst", policy);
                    model.FollowUp(occurred, now);
                    break;
                case 2 when incident.Status == IncidentStatus.Active:
                    var ceased = Max(incident.OccurredAt, now - Hours(random, 0, 30));
                    incident.Resolve(ceased, "Quiet.", now, "supervisor", policy);
                    model.Resolve(ceased);
                    break;
                case 3 when incident.Status == IncidentStatus.Resolved:
                    incident.Reopen("Resumed.", now, "supervisor", policy);
                    model.Reopen(now);
                    break;
                case 4 when incident.Status is IncidentStatus.Active or IncidentStatus.Dismissed:
                    var verification = (Verification)random.Next(4);
                    if (verification != incident.Verification)
                    {
                        incident.SetVerification(verification, "Checked.", now, "supervisor", policy);
                        model.Verify(verification, now);
                    }

                    break;
                case 5 when incident.Status == IncidentStatus.Active:
                    var target = (Stage)random.Next(1, 4);
                    try
                    {
                        incident.EscalateEarly("Larger attack.", target, now, "supervisor", policy);
                    }
                    catch (DomainRuleException)
                    {
                        // The named tier was already entered (perhaps just now, on schedule): nothing more.
                    }

                    model.Escalate(target, now);
                    break;
                case 6:
                    // An engine restart: the stored deadline is re-planned under the same policy.
                    incident.Replan(policy);
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
        Assert.True(incident.Status == model.Status, $"{context}: status {incident.Status}, model says {model.Status}");
        Assert.True(incident.IsHeld == model.Held, $"{context}: held {incident.IsHeld}, model says {model.Held}");

        // Exactly one StageEntered per tier entered, in tier order, up to the current tier, each with the model's due instant.
        Assert.Equal(StageInfo.All.Where(s => s <= incident.Stage), entered.Select(e => e.Stage));
        Assert.All(entered, e => Assert.True(model.DueAt[e.Stage] == e.DueAt, $"{context}: {e.Stage} due {e.DueAt:O}, model says {model.DueAt[e.Stage]:O}"));

        // Never early: each was due no later than it was recorded.
        Assert.All(entered, e => Assert.True(e.DueAt <= e.At, $"{context}: {e.Stage} recorded at {e.At:O} before due {e.DueAt:O}"));

        // The clock runs only while active and not held, towards the model's next deadline.
        Assert.True(model.NextStageAt() == incident.NextStageAt, $"{context}: next {incident.NextStageAt:O}, model says {model.NextStageAt():O}");
    }

    /// <summary>The rules, restated as plainly as possible.</summary>
    private sealed class Model(DateTime t0, EscalationPolicy policy)
    {
        public DateTime T0 { get; private set; } = t0;

        public Stage Stage { get; private set; } = Stage.UkrainianForces;

        public IncidentStatus Status { get; private set; } = IncidentStatus.Active;

        public bool Held { get; private set; }

        public Dictionary<Stage, DateTime> DueAt { get; } = new() { [Stage.UkrainianForces] = t0 };

        private Verification verification = Verification.Unverified;

        /// <summary>When the clock last resumed (reopened, or a false report taken back): earlier deadlines were not reached.</summary>
        private DateTime? resumedAt;

        /// <summary>While active, every tier whose deadline has come is entered, unless held for want of verification.</summary>
        public void Apply(DateTime now)
        {
            if (Status == IncidentStatus.Active)
            {
                Reach(now, inclusive: true);
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
            Reach(ceasedAt, inclusive: false);
            Status = IncidentStatus.Resolved;
            Held = false;
        }

        public void Reopen(DateTime now)
        {
            Status = IncidentStatus.Active;
            resumedAt = now;
            Apply(now);
        }

        public void Verify(Verification value, DateTime now)
        {
            verification = value;
            if (value == Verification.FalseReport)
            {
                if (Status == IncidentStatus.Active)
                {
                    Status = IncidentStatus.Dismissed;
                    Held = false;
                }

                return;
            }

            if (Status == IncidentStatus.Dismissed)
            {
                Status = IncidentStatus.Active;
                resumedAt = now;
            }

            Apply(now);
        }

        /// <summary>The tiers due are entered first; then every tier up to the target, at this instant. A hold is released.</summary>
        public void Escalate(Stage target, DateTime now)
        {
            Apply(now);
            if (target > Stage)
            {
                for (var s = Stage + 1; s <= target; s++)
                {
                    DueAt[s] = now;
                }

                Stage = target;
                Held = false;
            }
        }

        public DateTime? NextStageAt()
        {
            if (Status != IncidentStatus.Active || Held)
            {
                return null;
            }

            for (var s = Stage + 1; s <= Stage.UsBackstop; s++)
            {
                if (resumedAt is null || Deadline(s) >= resumedAt)
                {
                    return Deadline(s);
                }
            }

            return null;
        }

        /// <summary>
        /// The highest tier whose deadline has come by <paramref name="moment"/> and not before the clock last resumed is
        /// reached; tiers below it whose own deadline passed while the clock was stopped are entered with it, at its deadline.
        /// </summary>
        private void Reach(DateTime moment, bool inclusive)
        {
            var reached = Stage;
            for (var s = Stage + 1; s <= Stage.UsBackstop; s++)
            {
                var deadline = Deadline(s);
                var come = inclusive ? deadline <= moment : deadline < moment;
                if (!come)
                {
                    break;
                }

                if (resumedAt is null || deadline >= resumedAt)
                {
                    reached = s;
                }
            }

            if (reached == Stage)
            {
                return;
            }

            if (policy.RequireVerificationBeyondTier1 && Stage == Stage.UkrainianForces && verification != Verification.Verified)
            {
                Held = true;
                return;
            }

            for (var s = Stage + 1; s <= reached; s++)
            {
                DueAt[s] = resumedAt is { } resumed && Deadline(s) < resumed ? Deadline(reached) : Deadline(s);
            }

            Stage = reached;
            Held = false;
        }

        private DateTime Deadline(Stage stage) => policy.DueAt(stage, T0);
    }

    private static ReportDetails Report(DateTime occurredAt) =>
        new(occurredAt, "Donetsk", "Pokrovsk", ViolationType.Shelling, Severity.Serious, SourceType.UkrainianForces, "Random history.");

    private static TimeSpan Hours(Random random, int min, int max) =>
        TimeSpan.FromMinutes(random.Next(min * 60, max * 60 + 1));

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
