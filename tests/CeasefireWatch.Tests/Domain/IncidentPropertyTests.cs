using CsCheck;
using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Tests.Domain;

/// <summary>
/// Random histories of two incidents (late logging, follow-ups earlier and later than T0, engine runs and restarts at
/// random moments, resolutions, reopenings, verifications and false reports, early escalations to any tier, and a
/// merge of one into the other) against a small reference model of the rules, with the invariants every history must
/// keep: never early, never while resolved, held or dismissed, exactly one <c>StageEntered</c> per tier, tiers never
/// down, T0 the earliest occurrence, and each <c>dueAt</c> the model's. CsCheck generates the histories and, when one
/// breaks a rule, shrinks it to the shortest history that still does, and prints it with the seed to replay it.
/// </summary>
public sealed class IncidentPropertyTests
{
    private static readonly EscalationPolicy Policy = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72));
    private static readonly EscalationPolicy Verifying = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72), requireVerificationBeyondTier1: true);
    private static readonly DateTime Start = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>What happens at one step of a history, to which of the two incidents, and how long after the last step.</summary>
    public enum Act { EngineRun, FollowUp, Resolve, Reopen, Verify, Escalate, Restart, Merge, Nothing }

    /// <summary>One step: <see cref="Gap"/> minutes after the last; <see cref="Minutes"/> and <see cref="Choice"/> are its arguments.</summary>
    public sealed record Step(Act Act, bool OnSecond, int Gap, int Minutes, int Choice);

    /// <summary>A whole history: the policy, how long before logging each incident began, and its steps.</summary>
    public sealed record History(bool RequireVerification, int FirstAgo, int SecondAgo, Step[] Steps);

    private static readonly Gen<Step> StepGen = Gen.Select(
        Gen.Enum<Act>(), Gen.Bool, Gen.Int[0, 20 * 60], Gen.Int[0, 120 * 60], Gen.Int[0, 3],
        (act, onSecond, gap, minutes, choice) => new Step(act, onSecond, gap, minutes, choice));

    private static readonly Gen<History> HistoryGen = Gen.Select(
        Gen.Bool, Gen.Int[0, 100 * 60], Gen.Int[0, 100 * 60], StepGen.Array[0, 30],
        (verify, first, second, steps) => new History(verify, first, second, steps));

    [Fact]
    public void Every_random_history_keeps_the_escalation_rules() =>
        HistoryGen.Sample(Run, iter: 4000, threads: 1, print: Describe);

    private static string Describe(History h) =>
        $"verification required {h.RequireVerification}, the first began {h.FirstAgo} min and the second {h.SecondAgo} min before they were logged; steps:"
        + string.Concat(h.Steps.Select(s => $"\n  +{s.Gap} min {s.Act} on {(s.OnSecond ? "second" : "first")} ({s.Minutes} min, choice {s.Choice})"));

    /// <summary>Plays a history on two real incidents and on the model side by side, checking the invariants after every step.</summary>
    private static void Run(History history)
    {
        var policy = history.RequireVerification ? Verifying : Policy;
        var now = Start;
        var incidents = new[] { Log(1, now - TimeSpan.FromMinutes(history.FirstAgo), policy), Log(2, now - TimeSpan.FromMinutes(history.SecondAgo), policy) };
        var models = new[] { new Model(incidents[0].OccurredAt, policy), new Model(incidents[1].OccurredAt, policy) };
        foreach (var model in models)
        {
            model.Apply(now);
        }

        CheckAll(incidents, models, now, "logged");
        foreach (var step in history.Steps)
        {
            now += TimeSpan.FromMinutes(step.Gap);
            var i = step.OnSecond ? 1 : 0;
            var (incident, model) = (incidents[i], models[i]);
            var before = incidents.Select(x => (x.Status, x.IsHeld, Entered: Entered(x).Count)).ToArray();
            if (incident.Status == IncidentStatus.Merged)
            {
                // A merged incident is only a pointer: every action on it is refused and changes nothing.
                var version = incident.Version;
                Assert.Throws<DomainRuleException>(() => incident.AddNote("Still here?", now, "analyst"));
                Assert.Equal(version, incident.Version);
                continue;
            }

            Play(step, incident, model, incidents[1 - i], models[1 - i], now, policy);

            // Never while resolved, held or dismissed: the clock alone (an engine run, a restart) enters nothing then.
            if (step.Act is Act.EngineRun or Act.Restart)
            {
                for (var k = 0; k < 2; k++)
                {
                    if (before[k].Status != IncidentStatus.Active || before[k].IsHeld)
                    {
                        Assert.True(before[k].Entered == Entered(incidents[k]).Count, $"{step}: a tier was entered while {before[k].Status}, held {before[k].IsHeld}");
                    }
                }
            }

            CheckAll(incidents, models, now, step.ToString());
        }
    }

    private static void Play(Step step, Incident incident, Model model, Incident other, Model otherModel, DateTime now, EscalationPolicy policy)
    {
        switch (step.Act)
        {
            case Act.EngineRun:
                foreach (var (x, m) in new[] { (incident, model), (other, otherModel) })
                {
                    if (x.Status != IncidentStatus.Merged)
                    {
                        x.ApplyDueStages(policy, now);
                        m.Apply(now);
                    }
                }

                break;
            case Act.FollowUp when incident.Status == IncidentStatus.Active:
                var occurred = now - TimeSpan.FromMinutes(step.Minutes);
                incident.AddFollowUp(Report(occurred), now, "analyst", policy);
                model.FollowUp(occurred, now);
                break;
            case Act.Resolve when incident.Status == IncidentStatus.Active:
                var ceased = Max(incident.OccurredAt, now - TimeSpan.FromMinutes(step.Minutes % (30 * 60)));
                incident.Resolve(ceased, "Quiet.", now, "supervisor", policy);
                model.Resolve(ceased);
                break;
            case Act.Reopen when incident.Status == IncidentStatus.Resolved:
                incident.Reopen("Resumed.", now, "supervisor", policy);
                model.Reopen(now);
                break;
            case Act.Verify when incident.Status is IncidentStatus.Active or IncidentStatus.Dismissed or IncidentStatus.Resolved:
                var verification = (Verification)step.Choice;
                if (verification != incident.Verification)
                {
                    incident.SetVerification(verification, "Checked.", now, "supervisor", policy);
                    model.Verify(verification, now);
                }

                break;
            case Act.Escalate when incident.Status == IncidentStatus.Active:
                var target = (Stage)(1 + (step.Choice % 3));
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
            case Act.Restart:
                // An engine restart: every stored deadline is re-planned under the same policy.
                incident.Replan(policy);
                if (other.Status != IncidentStatus.Merged)
                {
                    other.Replan(policy);
                }

                break;
            case Act.Merge when other.Status != IncidentStatus.Merged:
                // The other incident is the same violation: fold it into this one.
                if (incident.Status == IncidentStatus.Dismissed)
                {
                    Assert.Throws<DomainRuleException>(() => other.MergeInto(incident, now, "supervisor", policy));
                    break;
                }

                other.MergeInto(incident, now, "supervisor", policy);
                model.Absorb(otherModel, now);
                break;
            default:
                break;
        }
    }

    private static void CheckAll(Incident[] incidents, Model[] models, DateTime now, string step)
    {
        for (var k = 0; k < incidents.Length; k++)
        {
            AssertInvariants(incidents[k], models[k], $"incident {k + 1} after {step} at {now:O}");
        }
    }

    private static List<TimelineEntry> Entered(Incident incident) =>
        incident.Timeline.Where(e => e.Kind == TimelineKind.StageEntered).ToList();

    private static void AssertInvariants(Incident incident, Model model, string context)
    {
        var entered = Entered(incident);

        Assert.True(incident.Status == model.Status, $"{context}: status {incident.Status}, model says {model.Status}");
        Assert.True(model.Stage == incident.Stage, $"{context}: stage {incident.Stage}, model says {model.Stage}");
        Assert.True(model.T0 == incident.OccurredAt, $"{context}: T0 {incident.OccurredAt:O}, model says {model.T0:O}");

        // T0 is the earliest occurrence of every report it holds (its own and any merged in).
        Assert.True(incident.Reports.Min(r => r.OccurredAt) == incident.OccurredAt, $"{context}: T0 is not the earliest report");
        Assert.True(incident.IsHeld == model.Held, $"{context}: held {incident.IsHeld}, model says {model.Held}");

        // Exactly one StageEntered per tier entered, in tier order, up to the current tier, each with the model's due instant.
        Assert.Equal(StageInfo.All.Where(s => s <= incident.Stage), entered.Select(e => e.Stage));
        Assert.All(entered, e => Assert.True(model.DueAt[e.Stage] == e.DueAt, $"{context}: {e.Stage} due {e.DueAt:O}, model says {model.DueAt[e.Stage]:O}"));

        // Never early: each was due no later than it was recorded.
        Assert.All(entered, e => Assert.True(e.DueAt <= e.At, $"{context}: {e.Stage} recorded at {e.At:O} before due {e.DueAt:O}"));

        // The clock runs only while active and not held, towards the model's next deadline.
        Assert.True(model.NextStageAt() == incident.NextStageAt, $"{context}: next {incident.NextStageAt:O}, model says {model.NextStageAt():O}");
    }

    private static Incident Log(int id, DateTime t0, EscalationPolicy policy)
    {
        var incident = Incident.Log("History", Report(t0), Start, "analyst", policy);

        // The database gives each incident its id; two in memory need distinct ones to be merged.
        typeof(Incident).GetProperty(nameof(Incident.Id))!.SetValue(incident, id);
        return incident;
    }

    /// <summary>The rules, restated as plainly as possible.</summary>
    private sealed class Model(DateTime t0, EscalationPolicy policy)
    {
        public DateTime T0 { get; private set; } = t0;

        public Stage Stage { get; private set; } = Stage.UkrainianForces;

        public IncidentStatus Status { get; private set; } = IncidentStatus.Active;

        /// <summary>Held for want of verification. A hold outlives a resolution or a dismissal; it shows while active.</summary>
        public bool Held => holding && Status == IncidentStatus.Active;

        private bool holding;

        public Dictionary<Stage, DateTime> DueAt { get; } = new() { [Stage.UkrainianForces] = t0 };

        private Verification verification = Verification.Unverified;

        /// <summary>When the clock last resumed (reopened, or a false report taken back): earlier deadlines were not reached.</summary>
        private DateTime? resumedAt;

        /// <summary>Whether hostilities had ceased (resolved, not reopened since): a false report taken back returns to that.</summary>
        private bool ceased;

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
            ceased = true;
        }

        public void Reopen(DateTime now)
        {
            Status = IncidentStatus.Active;
            ceased = false;
            resumedAt = now;
            Apply(now);
        }

        public void Verify(Verification value, DateTime now)
        {
            verification = value;

            // Verified, nothing holds it any more (even when no tier is due at this moment, or it is resolved or dismissed).
            if (value == Verification.Verified)
            {
                holding = false;
            }

            if (value == Verification.FalseReport)
            {
                // Active or resolved, a false report is dismissed.
                Status = IncidentStatus.Dismissed;
                return;
            }

            if (Status == IncidentStatus.Dismissed)
            {
                // Back as it was: resolved when hostilities had ceased, else active with the clock resumed.
                if (ceased)
                {
                    Status = IncidentStatus.Resolved;
                    return;
                }

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
                holding = false;
            }
        }

        /// <summary>
        /// A merge: the survivor takes the earlier T0 and the higher tier (each tier it had not entered with the due
        /// instant the other entered it at, and no hold beyond tier 1), then enters whatever that makes due.
        /// </summary>
        public void Absorb(Model other, DateTime now)
        {
            if (other.T0 < T0)
            {
                T0 = other.T0;
            }

            for (var s = Stage + 1; s <= other.Stage; s++)
            {
                DueAt[s] = other.DueAt[s];
            }

            if (other.Stage > Stage)
            {
                Stage = other.Stage;
                holding = false;
            }

            Apply(now);
            other.Status = IncidentStatus.Merged;
            other.holding = false;
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
                holding = true;
                return;
            }

            for (var s = Stage + 1; s <= reached; s++)
            {
                DueAt[s] = resumedAt is { } resumed && Deadline(s) < resumed ? Deadline(reached) : Deadline(s);
            }

            Stage = reached;
            holding = false;
        }

        private DateTime Deadline(Stage stage) => policy.DueAt(stage, T0);
    }

    private static ReportDetails Report(DateTime occurredAt) =>
        new(occurredAt, "Donetsk", "Pokrovsk", ViolationType.Shelling, Severity.Serious, SourceType.UkrainianForces, "Random history.");

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
