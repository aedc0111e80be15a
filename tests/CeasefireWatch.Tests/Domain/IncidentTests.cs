using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Tests.Domain;

/// <summary>The incident aggregate: how its tiers move with reports, resolution, reopening and early escalation.</summary>
public sealed class IncidentTests
{
    private const string Analyst = "analyst@example.org";
    private const string Supervisor = "supervisor@example.org";

    private static readonly DateTime Now = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromHours(72);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static readonly EscalationPolicy Policy = new(Day, ThreeDays);

    private static ReportDetails Report(DateTime occurredAt, Severity severity = Severity.Serious, int? killed = null, int? wounded = null) =>
        new(occurredAt, "Zaporizhzhia", "Гуляйполе", ViolationType.Shelling, severity, SourceType.MonitoringDrone,
            "Artillery fire.", 47.66, 36.26, killed, wounded);

    private static Incident LogAt(DateTime t0, DateTime? now = null) =>
        Incident.Log("Shelling of Huliaipole", Report(t0), now ?? Now, Analyst, Policy);

    private static List<TimelineEntry> StagesEntered(Incident incident) =>
        [.. incident.Timeline.Where(e => e.Kind == TimelineKind.StageEntered)];

    [Fact]
    public void Log_opens_an_active_incident_at_tier_1_due_at_T0()
    {
        var incident = LogAt(Now - TimeSpan.FromHours(1));

        Assert.Equal(IncidentStatus.Active, incident.Status);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Equal(Now - TimeSpan.FromHours(1), incident.OccurredAt);
        Assert.Equal(Now - TimeSpan.FromHours(1) + Day, incident.NextStageAt);
        Assert.Null(incident.CeasedAt);
        Assert.Equal(Analyst, incident.CreatedBy);
        Assert.Collection(
            incident.Timeline,
            reported =>
            {
                Assert.Equal(TimelineKind.Reported, reported.Kind);
                Assert.Equal(Analyst, reported.Actor);
                Assert.Equal(Now, reported.At);
                Assert.Null(reported.DueAt);
            },
            entered =>
            {
                Assert.Equal(TimelineKind.StageEntered, entered.Kind);
                Assert.Equal(Stage.UkrainianForces, entered.Stage);
                Assert.Equal(Incident.EngineActor, entered.Actor);
                Assert.Equal(Now, entered.At);
                Assert.Equal(Now - TimeSpan.FromHours(1), entered.DueAt);
            });
    }

    [Fact]
    public void Log_enters_tier_1_with_due_at_T0_even_when_T0_is_a_few_minutes_ahead_of_the_clock()
    {
        var t0 = Now + TimeSpan.FromMinutes(4);

        var incident = LogAt(t0);

        var entered = Assert.Single(StagesEntered(incident));
        Assert.Equal(Stage.UkrainianForces, entered.Stage);
        Assert.Equal(t0, entered.DueAt);
        Assert.Equal(Now, entered.At);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Equal(t0 + Day, incident.NextStageAt);
    }

    [Fact]
    public void Log_of_a_report_80_hours_late_enters_all_three_tiers_in_order_with_their_due_instants()
    {
        var t0 = Now - TimeSpan.FromHours(80);

        var incident = LogAt(t0);

        Assert.Equal(Stage.UsBackstop, incident.Stage);
        Assert.Null(incident.NextStageAt);
        var entered = StagesEntered(incident);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition, Stage.UsBackstop], entered.Select(e => e.Stage));
        Assert.Equal([t0, t0 + Day, t0 + ThreeDays], entered.Select(e => e.DueAt));
        Assert.All(entered, e => Assert.Equal(Now, e.At));
        Assert.All(entered, e => Assert.Equal(Incident.EngineActor, e.Actor));
    }

    [Fact]
    public void Each_tier_is_entered_exactly_once_however_often_due_stages_are_applied()
    {
        var incident = LogAt(Now);

        Assert.Empty(incident.ApplyDueStages(Policy, Now + Day - Tick));
        Assert.Equal([new StageDue(Stage.Coalition, Now + Day)], incident.ApplyDueStages(Policy, Now + Day));
        Assert.Empty(incident.ApplyDueStages(Policy, Now + Day));
        Assert.Empty(incident.ApplyDueStages(Policy, Now + Day + TimeSpan.FromHours(1)));
        Assert.Equal([new StageDue(Stage.UsBackstop, Now + ThreeDays)], incident.ApplyDueStages(Policy, Now + TimeSpan.FromHours(100)));
        Assert.Empty(incident.ApplyDueStages(Policy, Now + TimeSpan.FromDays(30)));

        Assert.Equal([Stage.UkrainianForces, Stage.Coalition, Stage.UsBackstop], StagesEntered(incident).Select(e => e.Stage));
        Assert.Equal(
            [Now, Now + Day, Now + TimeSpan.FromHours(100)],
            StagesEntered(incident).Select(e => e.At));
        Assert.Null(incident.NextStageAt);
    }

    [Fact]
    public void A_follow_up_with_an_earlier_violation_moves_T0_earlier_and_enters_the_tiers_now_due_from_the_new_T0()
    {
        var incident = LogAt(Now - TimeSpan.FromHours(1));
        var earlier = Now - TimeSpan.FromHours(30);

        var entered = incident.AddFollowUp(Report(earlier), Now, Analyst, Policy);

        Assert.Equal(earlier, incident.OccurredAt);
        Assert.Equal([new StageDue(Stage.Coalition, earlier + Day)], entered);
        Assert.Equal(Stage.Coalition, incident.Stage);
        Assert.Equal(earlier + ThreeDays, incident.NextStageAt);
        var coalition = Assert.Single(StagesEntered(incident), e => e.Stage == Stage.Coalition);
        Assert.Equal(earlier + Day, coalition.DueAt);
        Assert.Equal(Now, coalition.At);
        var followUp = Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.FollowUpReport);
        Assert.Equal(Analyst, followUp.Actor);
        Assert.Equal(2, incident.Reports.Count);
    }

    [Fact]
    public void A_follow_up_moving_T0_back_80_hours_enters_tiers_2_and_3_from_the_new_T0()
    {
        var incident = LogAt(Now);
        var earlier = Now - TimeSpan.FromHours(80);

        var entered = incident.AddFollowUp(Report(earlier), Now, Analyst, Policy);

        Assert.Equal([new StageDue(Stage.Coalition, earlier + Day), new StageDue(Stage.UsBackstop, earlier + ThreeDays)], entered);
        Assert.Equal(Stage.UsBackstop, incident.Stage);
        Assert.Null(incident.NextStageAt);
    }

    [Fact]
    public void A_follow_up_with_a_later_violation_keeps_T0_and_the_deadline()
    {
        var t0 = Now - TimeSpan.FromHours(2);
        var incident = LogAt(t0);

        var entered = incident.AddFollowUp(Report(Now - TimeSpan.FromHours(1)), Now, Analyst, Policy);

        Assert.Empty(entered);
        Assert.Equal(t0, incident.OccurredAt);
        Assert.Equal(t0 + Day, incident.NextStageAt);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
    }

    [Fact]
    public void A_follow_up_raises_severity_to_the_most_severe_and_sums_casualties()
    {
        var incident = Incident.Log("Strike", Report(Now, Severity.Minor, killed: 1, wounded: null), Now, Analyst, Policy);

        incident.AddFollowUp(Report(Now, Severity.Major, killed: 2, wounded: 3), Now, Analyst, Policy);
        incident.AddFollowUp(Report(Now, Severity.Serious), Now, Analyst, Policy);

        Assert.Equal(Severity.Major, incident.Severity);
        Assert.Equal(3, incident.Killed);
        Assert.Equal(3, incident.Wounded);
    }

    [Fact]
    public void Resolve_stops_the_clock_and_no_tier_is_entered_afterwards()
    {
        var incident = LogAt(Now);
        var ceasedAt = Now + TimeSpan.FromHours(5);

        incident.Resolve(ceasedAt, "Ceasefire restored.", Now + TimeSpan.FromHours(6), Analyst, Policy);

        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.Equal(ceasedAt, incident.CeasedAt);
        Assert.Equal("Ceasefire restored.", incident.ResolutionReason);
        Assert.Null(incident.NextStageAt);
        var timelineLength = incident.Timeline.Count;

        Assert.Empty(incident.ApplyDueStages(Policy, Now + TimeSpan.FromDays(10)));

        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Null(incident.NextStageAt);
        Assert.Equal(timelineLength, incident.Timeline.Count);
        var resolved = Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.Resolved);
        Assert.Equal(Now + TimeSpan.FromHours(6), resolved.At);
        Assert.Equal(Analyst, resolved.Actor);
    }

    /// <summary>
    /// A ceasing time a little ahead of this clock (the validators allow <see cref="IncidentLimits.ClockSkew"/> for the
    /// reporter's clock) is read as now. Taken as typed, tier 2's deadline a minute from now lay before it, yet the tier
    /// was never entered: not due at the resolution, and the clock stopped by it.
    /// </summary>
    [Fact]
    public void A_ceasing_time_ahead_of_this_clock_is_read_as_now_so_no_deadline_falls_between_them()
    {
        var incident = LogAt(Now);
        var now = Now + Day - TimeSpan.FromMinutes(1);

        incident.Resolve(Now + Day + TimeSpan.FromMinutes(3), "Quiet.", now, Supervisor, Policy);

        Assert.Equal(now, incident.CeasedAt);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Null(incident.NextStageAt);

        var imported = Incident.Import("Shelling of Huliaipole", Report(Now), Now + Day + TimeSpan.FromMinutes(3), now, Analyst, Policy);
        Assert.Equal(now, imported.CeasedAt);
        Assert.Equal(Stage.UkrainianForces, imported.Stage);
    }

    [Fact]
    public void A_ceasing_time_in_the_past_or_at_a_T0_ahead_of_this_clock_is_kept()
    {
        var incident = LogAt(Now);
        incident.Resolve(Now + TimeSpan.FromHours(5), "Quiet.", Now + TimeSpan.FromHours(6), Supervisor, Policy);
        Assert.Equal(Now + TimeSpan.FromHours(5), incident.CeasedAt);

        // A report whose clock put T0 two minutes ahead of this one, and hostilities ceased at T0 itself.
        var ahead = LogAt(Now + TimeSpan.FromMinutes(2));
        ahead.Resolve(Now + TimeSpan.FromMinutes(2), "Quiet.", Now, Supervisor, Policy);
        Assert.Equal(Now + TimeSpan.FromMinutes(2), ahead.CeasedAt);
    }

    [Fact]
    public void Resolving_after_a_missed_deadline_first_enters_the_tier_that_fell_due_while_hostilities_continued()
    {
        // The engine was behind: tier 2 fell due at T0 + 24 h but was not recorded before the resolution.
        var incident = LogAt(Now);
        var resolvedAt = Now + TimeSpan.FromHours(30);

        incident.Resolve(Now + TimeSpan.FromHours(26), "Quiet since.", resolvedAt, Supervisor, Policy);

        var tier2 = Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.StageEntered && e.Stage == Stage.Coalition);
        Assert.Equal(Now + Day, tier2.DueAt);
        Assert.Equal(resolvedAt, tier2.At);
        Assert.Equal(Incident.EngineActor, tier2.Actor);
        Assert.Equal(Stage.Coalition, incident.Stage);
        var order = incident.Timeline.Select(e => e.Kind).ToList();
        Assert.True(order.IndexOf(TimelineKind.Resolved) > order.LastIndexOf(TimelineKind.StageEntered), "the tier is recorded before the resolution");
    }

    [Fact]
    public void Resolving_with_hostilities_ceased_before_a_missed_deadline_does_not_enter_that_tier()
    {
        var incident = LogAt(Now);

        incident.Resolve(Now + Day, "Ceased exactly at the deadline.", Now + TimeSpan.FromHours(30), Supervisor, Policy);

        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.DoesNotContain(incident.Timeline, e => e.Stage == Stage.Coalition);
    }

    [Fact]
    public void Resolving_twice_is_refused()
    {
        var incident = LogAt(Now);
        incident.Resolve(Now, "Quiet.", Now, Analyst, Policy);

        Assert.Throws<DomainRuleException>(() => incident.Resolve(Now, "Again.", Now, Analyst, Policy));
        Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.Resolved);
    }

    [Fact]
    public void Resolving_before_the_first_violation_is_refused()
    {
        var incident = LogAt(Now);

        Assert.Throws<DomainRuleException>(() => incident.Resolve(Now - Tick, "Too early.", Now, Analyst, Policy));
        Assert.Equal(IncidentStatus.Active, incident.Status);
    }

    [Fact]
    public void Reopen_enters_nothing_that_fell_due_while_resolved_and_the_next_deadline_carries_the_tier_passed_over()
    {
        var incident = LogAt(Now);
        incident.Resolve(Now + TimeSpan.FromHours(1), "Quiet.", Now + TimeSpan.FromHours(1), Analyst, Policy);
        var reopenedAt = Now + TimeSpan.FromHours(30);

        var entered = incident.Reopen("Shelling resumed.", reopenedAt, Supervisor, Policy);

        // Tier 2's deadline (24 h) passed while hostilities had ceased: not reached, nothing entered at once.
        Assert.Empty(entered);
        Assert.Equal(IncidentStatus.Active, incident.Status);
        Assert.Null(incident.CeasedAt);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Equal(Now + ThreeDays, incident.NextStageAt);
        Assert.Equal(Supervisor, Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.Reopened).Actor);

        // At 72 h, still active: tiers 2 and 3 are entered together, at tier 3's deadline.
        var later = incident.ApplyDueStages(Policy, Now + ThreeDays);
        Assert.Equal([new StageDue(Stage.Coalition, Now + ThreeDays), new StageDue(Stage.UsBackstop, Now + ThreeDays)], later);
        Assert.Equal(Stage.UsBackstop, incident.Stage);
    }

    [Fact]
    public void Reopen_before_the_next_deadline_enters_nothing_but_restores_the_deadline()
    {
        var incident = LogAt(Now);
        incident.Resolve(Now + TimeSpan.FromHours(1), "Quiet.", Now + TimeSpan.FromHours(1), Analyst, Policy);

        var entered = incident.Reopen("Shelling resumed.", Now + TimeSpan.FromHours(2), Supervisor, Policy);

        Assert.Empty(entered);
        Assert.Equal(Now + Day, incident.NextStageAt);
    }

    [Fact]
    public void Reopening_an_active_incident_is_refused()
    {
        var incident = LogAt(Now);

        Assert.Throws<DomainRuleException>(() => incident.Reopen("Why?", Now, Supervisor, Policy));
    }

    [Fact]
    public void Escalating_early_with_overdue_tiers_enters_them_on_schedule_and_refuses_to_go_further()
    {
        var incident = LogAt(Now);
        var at = Now + TimeSpan.FromHours(80);

        var refused = Assert.Throws<DomainRuleException>(() => incident.EscalateEarly("Larger attack.", null, at, Supervisor, Policy));

        Assert.Contains("on schedule", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Stage.UsBackstop, incident.Stage);
        var entered = incident.Timeline.Where(e => e.Kind == TimelineKind.StageEntered).ToList();
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition, Stage.UsBackstop], entered.Select(e => e.Stage));
        Assert.Equal([Now, Now + Day, Now + ThreeDays], entered.Select(e => e.DueAt!.Value));
        Assert.All(entered, e => Assert.Equal(Incident.EngineActor, e.Actor));
        Assert.DoesNotContain(incident.Timeline, e => e.Details.StartsWith("Escalated early", StringComparison.Ordinal));
        Assert.Null(incident.NextStageAt);
    }

    [Fact]
    public void EscalateEarly_moves_one_tier_with_the_actor_and_reason()
    {
        var incident = LogAt(Now);
        var at = Now + TimeSpan.FromHours(2);

        var next = incident.EscalateEarly("Mass-casualty strike on a city centre.", null, at, Supervisor, Policy);

        Assert.Equal(Stage.Coalition, next);
        Assert.Equal(Stage.Coalition, incident.Stage);
        Assert.Equal(Now + ThreeDays, incident.NextStageAt);
        var entered = Assert.Single(StagesEntered(incident), e => e.Stage == Stage.Coalition);
        Assert.Equal(Supervisor, entered.Actor);
        Assert.Contains("Mass-casualty strike on a city centre.", entered.Details, StringComparison.Ordinal);
        Assert.Equal(at, entered.At);
        Assert.Equal(at, entered.DueAt);
    }

    [Fact]
    public void After_an_early_escalation_the_clock_does_not_enter_the_same_tier_again()
    {
        var incident = LogAt(Now);
        incident.EscalateEarly("Larger attack.", null, Now + TimeSpan.FromHours(2), Supervisor, Policy);

        Assert.Empty(incident.ApplyDueStages(Policy, Now + Day));
        Assert.Equal([new StageDue(Stage.UsBackstop, Now + ThreeDays)], incident.ApplyDueStages(Policy, Now + ThreeDays));

        Assert.Equal([Stage.UkrainianForces, Stage.Coalition, Stage.UsBackstop], StagesEntered(incident).Select(e => e.Stage));
    }

    [Fact]
    public void EscalateEarly_refuses_to_go_past_tier_3()
    {
        var incident = LogAt(Now);
        var later = Now + Incident.UnnamedEscalationPause;
        incident.EscalateEarly("One.", null, Now, Supervisor, Policy);
        incident.EscalateEarly("Two.", null, later, Supervisor, Policy);

        Assert.Throws<DomainRuleException>(() => incident.EscalateEarly("Three.", null, later, Supervisor, Policy));
        Assert.Equal(Stage.UsBackstop, incident.Stage);
        Assert.Equal(3, StagesEntered(incident).Count);
    }

    [Fact]
    public void An_escalation_naming_no_tier_just_after_tier_2_was_entered_is_refused_as_a_likely_repeat()
    {
        var incident = LogAt(Now);
        incident.EscalateEarly("Shelling continues.", null, Now, Supervisor, Policy);

        // The same request again, moments later: refused, nothing changes.
        var justAfter = Now + Incident.UnnamedEscalationPause - TimeSpan.FromSeconds(1);
        var refused = Assert.Throws<DomainRuleException>(() => incident.EscalateEarly("Shelling continues.", null, justAfter, Supervisor, Policy));
        Assert.Contains("toStage", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Stage.Coalition, incident.Stage);

        // Naming the tier goes on at once; naming none goes on once the pause has passed.
        var named = LogAt(Now);
        named.EscalateEarly("Shelling continues.", null, Now, Supervisor, Policy);
        named.EscalateEarly("A larger attack.", Stage.UsBackstop, Now, Supervisor, Policy);
        Assert.Equal(Stage.UsBackstop, named.Stage);
        incident.EscalateEarly("Still shelling.", null, Now + Incident.UnnamedEscalationPause, Supervisor, Policy);
        Assert.Equal(Stage.UsBackstop, incident.Stage);
    }

    [Fact]
    public void EscalateEarly_refuses_a_resolved_incident()
    {
        var incident = LogAt(Now);
        incident.Resolve(Now, "Quiet.", Now, Analyst, Policy);

        Assert.Throws<DomainRuleException>(() => incident.EscalateEarly("Now?", null, Now, Supervisor, Policy));
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
    }

    [Fact]
    public void Import_that_ceased_exactly_at_the_tier_2_deadline_stays_at_tier_1_and_is_resolved()
    {
        var t0 = Now - TimeSpan.FromDays(10);

        var incident = Incident.Import("Old", Report(t0), ceasedAt: t0 + Day, Now, "importer", Policy);

        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.Equal(t0 + Day, incident.CeasedAt);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Null(incident.NextStageAt);
        Assert.Equal([Stage.UkrainianForces], StagesEntered(incident).Select(e => e.Stage));
        Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.Resolved);
    }

    [Fact]
    public void Import_that_ceased_one_tick_after_the_tier_2_deadline_reaches_tier_2_only()
    {
        var t0 = Now - TimeSpan.FromDays(10);

        var incident = Incident.Import("Old", Report(t0), ceasedAt: t0 + Day + Tick, Now, "importer", Policy);

        Assert.Equal(Stage.Coalition, incident.Stage);
        var entered = StagesEntered(incident);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition], entered.Select(e => e.Stage));
        Assert.Equal([t0, t0 + Day], entered.Select(e => e.DueAt));
        Assert.All(entered, e => Assert.Equal(Now, e.At));
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
    }

    [Fact]
    public void Import_that_ceased_after_the_tier_3_deadline_reaches_all_three_tiers()
    {
        var t0 = Now - TimeSpan.FromDays(10);

        var incident = Incident.Import("Old", Report(t0), ceasedAt: t0 + TimeSpan.FromHours(100), Now, "importer", Policy);

        Assert.Equal(Stage.UsBackstop, incident.Stage);
        Assert.Equal([t0, t0 + Day, t0 + ThreeDays], StagesEntered(incident).Select(e => e.DueAt));
    }

    [Fact]
    public void Import_without_a_cease_time_is_active_and_runs_like_a_live_incident()
    {
        var t0 = Now - TimeSpan.FromHours(30);

        var incident = Incident.Import("Ongoing", Report(t0), ceasedAt: null, Now, "importer", Policy);

        Assert.Equal(IncidentStatus.Active, incident.Status);
        Assert.Null(incident.CeasedAt);
        Assert.Equal(Stage.Coalition, incident.Stage);
        Assert.Equal(t0 + ThreeDays, incident.NextStageAt);
        Assert.DoesNotContain(incident.Timeline, e => e.Kind == TimelineKind.Resolved);
    }

    [Fact]
    public void The_diplomatic_warning_is_recorded_once()
    {
        var incident = LogAt(Now);

        incident.RecordDiplomaticWarning("Note verbale delivered.", Now + TimeSpan.FromMinutes(10), Analyst);

        Assert.Equal(Now + TimeSpan.FromMinutes(10), incident.DiplomaticWarningIssuedAt);
        Assert.Throws<DomainRuleException>(() => incident.RecordDiplomaticWarning("Again.", Now + TimeSpan.FromMinutes(20), Analyst));
        Assert.Equal(Now + TimeSpan.FromMinutes(10), incident.DiplomaticWarningIssuedAt);
        Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.DiplomaticWarningIssued);
    }

    [Theory]
    [InlineData(0, "CW-00000")]
    [InlineData(1, "CW-00001")]
    [InlineData(42, "CW-00042")]
    [InlineData(99999, "CW-99999")]
    [InlineData(123456, "CW-123456")]
    public void References_are_formatted_with_five_digits_at_least_and_parse_back(int id, string reference)
    {
        Assert.Equal(reference, Incident.FormatReference(id));
        Assert.Equal(id, Incident.ParseReference(reference));
    }

    [Fact]
    public void Reference_parsing_ignores_the_case_of_the_prefix()
    {
        Assert.Equal(42, Incident.ParseReference("cw-00042"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("CW-")]
    [InlineData("CW-abc")]
    [InlineData("CW--1")]
    [InlineData("CW-+1")]
    [InlineData("CW- 42")]
    [InlineData("XX-00042")]
    [InlineData("00042")]
    public void Reference_parsing_rejects_anything_else(string? reference)
    {
        Assert.Null(Incident.ParseReference(reference));
    }
}
