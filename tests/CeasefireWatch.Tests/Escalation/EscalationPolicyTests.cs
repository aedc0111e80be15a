using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;

namespace CeasefireWatch.Tests.Escalation;

/// <summary>The policy at every boundary: a tick before, at and a tick after each deadline, with and without a resolution.</summary>
public sealed class EscalationPolicyTests
{
    private static readonly DateTime T0 = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromHours(72);

    private readonly EscalationPolicy policy = new(Day, ThreeDays);

    [Fact]
    public void Default_options_give_24_and_72_hour_windows()
    {
        var fromOptions = new EscalationOptions().ToPolicy();

        Assert.Equal(Day, fromOptions.Tier2After);
        Assert.Equal(ThreeDays, fromOptions.Tier3After);
    }

    [Fact]
    public void DueAt_is_T0_for_tier_1_and_T0_plus_each_window_for_tiers_2_and_3()
    {
        Assert.Equal(T0, policy.DueAt(Stage.UkrainianForces, T0));
        Assert.Equal(T0 + Day, policy.DueAt(Stage.Coalition, T0));
        Assert.Equal(T0 + ThreeDays, policy.DueAt(Stage.UsBackstop, T0));
    }

    [Fact]
    public void Tier_2_is_not_due_one_tick_before_T0_plus_24h()
    {
        Assert.Empty(policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: null, now: T0 + Day - Tick));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Tier_2_is_due_at_and_after_T0_plus_24h_with_its_exact_due_instant(long ticksAfterDeadline)
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: null, now: T0 + Day + TimeSpan.FromTicks(ticksAfterDeadline));

        Assert.Equal([new StageDue(Stage.Coalition, T0 + Day)], due);
    }

    [Fact]
    public void Tier_3_is_not_due_one_tick_before_T0_plus_72h()
    {
        Assert.Empty(policy.DueStages(Stage.Coalition, T0, ceasedAt: null, now: T0 + ThreeDays - Tick));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Tier_3_is_due_at_and_after_T0_plus_72h_with_its_exact_due_instant(long ticksAfterDeadline)
    {
        var due = policy.DueStages(Stage.Coalition, T0, ceasedAt: null, now: T0 + ThreeDays + TimeSpan.FromTicks(ticksAfterDeadline));

        Assert.Equal([new StageDue(Stage.UsBackstop, T0 + ThreeDays)], due);
    }

    [Fact]
    public void From_tier_1_one_tick_before_72h_only_tier_2_is_due()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: null, now: T0 + ThreeDays - Tick);

        Assert.Equal([new StageDue(Stage.Coalition, T0 + Day)], due);
    }

    [Fact]
    public void A_report_80_hours_late_makes_tiers_2_and_3_due_in_order_with_their_own_instants()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: null, now: T0 + TimeSpan.FromHours(80));

        Assert.Equal(
            [new StageDue(Stage.Coalition, T0 + Day), new StageDue(Stage.UsBackstop, T0 + ThreeDays)],
            due);
    }

    [Theory]
    [InlineData(Stage.Coalition)]
    [InlineData(Stage.UsBackstop)]
    public void Tiers_already_entered_are_never_due_again(Stage current)
    {
        var due = policy.DueStages(current, T0, ceasedAt: null, now: T0 + TimeSpan.FromDays(365));

        Assert.DoesNotContain(due, d => d.Stage <= current);
        Assert.Equal(current == Stage.UsBackstop ? 0 : 1, due.Count);
    }

    [Fact]
    public void A_tier_whose_deadline_is_at_the_cease_instant_is_not_reached()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: T0 + Day, now: T0 + TimeSpan.FromDays(30));

        Assert.Empty(due);
    }

    [Fact]
    public void A_tier_whose_deadline_is_after_the_cease_instant_is_not_reached()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: T0 + Day - Tick, now: T0 + TimeSpan.FromDays(30));

        Assert.Empty(due);
    }

    [Fact]
    public void Ceasing_one_tick_after_a_deadline_reaches_that_tier_and_no_later_one()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: T0 + Day + Tick, now: T0 + TimeSpan.FromDays(30));

        Assert.Equal([new StageDue(Stage.Coalition, T0 + Day)], due);
    }

    [Fact]
    public void Ceasing_exactly_at_the_tier_3_deadline_reaches_tier_2_only()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: T0 + ThreeDays, now: T0 + TimeSpan.FromDays(30));

        Assert.Equal([new StageDue(Stage.Coalition, T0 + Day)], due);
    }

    [Fact]
    public void Ceasing_one_tick_after_the_tier_3_deadline_reaches_both_tiers()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: T0 + ThreeDays + Tick, now: T0 + TimeSpan.FromDays(30));

        Assert.Equal(
            [new StageDue(Stage.Coalition, T0 + Day), new StageDue(Stage.UsBackstop, T0 + ThreeDays)],
            due);
    }

    [Fact]
    public void A_later_cease_does_not_make_a_tier_due_before_its_deadline()
    {
        var due = policy.DueStages(Stage.UkrainianForces, T0, ceasedAt: T0 + ThreeDays, now: T0 + Day - Tick);

        Assert.Empty(due);
    }

    [Fact]
    public void NextStageAt_for_an_active_incident_is_the_next_tier_deadline_or_null_at_the_top()
    {
        Assert.Equal(T0 + Day, policy.NextStageAt(Stage.UkrainianForces, IncidentStatus.Active, T0));
        Assert.Equal(T0 + ThreeDays, policy.NextStageAt(Stage.Coalition, IncidentStatus.Active, T0));
        Assert.Null(policy.NextStageAt(Stage.UsBackstop, IncidentStatus.Active, T0));
    }

    [Theory]
    [InlineData(Stage.UkrainianForces)]
    [InlineData(Stage.Coalition)]
    [InlineData(Stage.UsBackstop)]
    public void NextStageAt_for_a_resolved_incident_is_null(Stage stage)
    {
        Assert.Null(policy.NextStageAt(stage, IncidentStatus.Resolved, T0));
    }

    [Theory]
    [InlineData(0, 72, "tier2After")]
    [InlineData(-1, 72, "tier2After")]
    [InlineData(24, 24, "tier3After")]
    [InlineData(24, 23, "tier3After")]
    [InlineData(24, 0, "tier3After")]
    public void The_constructor_refuses_non_positive_or_non_increasing_windows(int tier2Hours, int tier3Hours, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new EscalationPolicy(TimeSpan.FromHours(tier2Hours), TimeSpan.FromHours(tier3Hours)));

        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void The_constructor_refuses_a_tier_3_window_only_one_tick_shorter_than_tier_2()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationPolicy(Day, Day - Tick));
    }

    [Fact]
    public void The_constructor_accepts_windows_one_tick_apart()
    {
        var tight = new EscalationPolicy(Tick, Tick + Tick);

        Assert.Equal(
            [new StageDue(Stage.Coalition, T0 + Tick), new StageDue(Stage.UsBackstop, T0 + Tick + Tick)],
            tight.DueStages(Stage.UkrainianForces, T0, ceasedAt: null, now: T0 + Tick + Tick));
    }

    [Fact]
    public void Custom_windows_move_every_boundary()
    {
        var hour = TimeSpan.FromHours(1);
        var custom = new EscalationPolicy(hour, 2 * hour);

        Assert.Empty(custom.DueStages(Stage.UkrainianForces, T0, null, T0 + hour - Tick));
        Assert.Equal([new StageDue(Stage.Coalition, T0 + hour)], custom.DueStages(Stage.UkrainianForces, T0, null, T0 + hour));
        Assert.Empty(custom.DueStages(Stage.Coalition, T0, null, T0 + 2 * hour - Tick));
        Assert.Equal([new StageDue(Stage.UsBackstop, T0 + 2 * hour)], custom.DueStages(Stage.Coalition, T0, null, T0 + 2 * hour));
        Assert.Equal(T0 + hour, custom.NextStageAt(Stage.UkrainianForces, IncidentStatus.Active, T0));
        Assert.Equal(T0 + 2 * hour, custom.NextStageAt(Stage.Coalition, IncidentStatus.Active, T0));
    }
}
