using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>What an incident action is handed: the instant, who acts, and the policy in force.</summary>
public readonly record struct ActionContext(DateTime Now, string Actor, EscalationPolicy Policy);

/// <summary>
/// The one path every incident action takes: load the incident for update, let the domain act, save (one
/// transaction, guarded by the incident's concurrency token), tell live pages and the engine, and answer the
/// incident as it now stands. A handler says only what its action does.
/// </summary>
/// <remarks>
/// When another request (or the engine) changed the incident between this one's read and its write, nothing of
/// this one was saved; the action is then taken again on the incident as it now is, a few times at most. The
/// domain re-checks its rules on the fresh state, so two analysts recording answers at once both land, while a
/// second click on "escalate to the Coalition" finds the tier entered and is refused rather than repeated.
/// </remarks>
public sealed class IncidentWorkflow(
    AppDbContext db, TimeProvider clock, EscalationPolicy policy, ICurrentActor actor, IPublisher publisher, IncidentIntake intake)
{
    /// <summary>How many times an action is tried against a changing incident before the conflict is reported (409).</summary>
    internal const int Attempts = 3;

    public ValueTask<IncidentDto> ActAsync(
        int incidentId, Action<Incident, ActionContext> act, CancellationToken cancellationToken, bool withAnswers = false) =>
        ActAsync(
            async ct =>
            {
                IQueryable<Incident> query = withAnswers ? db.Incidents.Include(i => i.Acknowledgements) : db.Incidents;
                return await query.FirstOrDefaultAsync(i => i.Id == incidentId, ct) ?? throw NotFoundException.Incident(incidentId);
            },
            act,
            cancellationToken);

    /// <summary>For an action that loads more of the incident itself (<paramref name="load"/> runs again on a retry).</summary>
    public async ValueTask<IncidentDto> ActAsync(
        Func<CancellationToken, Task<Incident>> load, Action<Incident, ActionContext> act, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var incident = await load(cancellationToken);
            var context = Context();
            act(incident, context);
            if (await TrySaveAsync(attempt, cancellationToken))
            {
                await publisher.Publish(new IncidentChanged(incident.Id), cancellationToken);
                return await AnswerAsync(incident, context.Now, cancellationToken);
            }
        }
    }

    /// <summary>
    /// For a new incident: handed to the intake's group commit (many concurrent reports, one transaction), which
    /// answers once it is committed and announces it. The instant and actor are captured here, at the request.
    /// Once queued the report is stored whatever happens to the caller, so <paramref name="cancellationToken"/>
    /// is not passed on.
    /// </summary>
    public async ValueTask<IncidentDto> CreateAsync(Func<ActionContext, Incident> open, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var context = Context();
        var incident = await intake.SubmitAsync(() => open(context));
        return IncidentDto.From(incident, context.Now, policy.ChecklistOverdueAfter);
    }

    /// <summary>Changes to two incidents at once (a merge), saved together; answers the first.</summary>
    public async ValueTask<IncidentDto> ActOnBothAsync(
        Func<CancellationToken, Task<(Incident Answer, Incident Other)>> load, Action<Incident, Incident, ActionContext> act, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (answer, other) = await load(cancellationToken);
            var context = Context();
            act(answer, other, context);
            if (await TrySaveAsync(attempt, cancellationToken))
            {
                await publisher.Publish(new IncidentChanged([other.Id, answer.Id]), cancellationToken);
                return await AnswerAsync(answer, context.Now, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The incident an action answers with, coalition included as <c>GET /api/incidents/{id}</c> has it (none before
    /// tier 2, then every roster member with its latest answer or none): after an escalation or a merge that brought
    /// it to tier 2, the caller sees whom the tier concerns. Answers are read here when the action did not read them.
    /// </summary>
    private async Task<IncidentDto> AnswerAsync(Incident incident, DateTime now, CancellationToken cancellationToken)
    {
        var answer = IncidentDto.From(incident, now, policy.ChecklistOverdueAfter);
        if (incident.Stage < Stage.Coalition)
        {
            return answer with { Coalition = [] };
        }

        var answers = db.Entry(incident).Collection(i => i.Acknowledgements);
        if (!answers.IsLoaded)
        {
            await answers.LoadAsync(cancellationToken);
        }

        return answer with { Coalition = CoalitionAnswerDto.Matrix(incident, await RosterAsync(cancellationToken)) };
    }

    private ActionContext Context() => new(clock.GetUtcNow().UtcDateTime, actor.Name, policy);

    /// <summary>Saves; false when the incident changed meanwhile and the action should be taken again (nothing was saved).</summary>
    private async Task<bool> TrySaveAsync(int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (attempt < Attempts && ConcurrentChange.Is(ex))
        {
            // (On PostgreSQL a concurrent writer may show as the one-StageEntered-per-tier index first: the same race.)
            // Forget everything read and changed, outbox rows included, and read the incident afresh.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>The coalition roster as the domain needs it, leads first.</summary>
    public async Task<IReadOnlyList<RosterMember>> RosterAsync(CancellationToken cancellationToken) =>
        await db.CoalitionMembers.AsNoTracking().OrderByDescending(m => m.Lead).ThenBy(m => m.Country)
            .Select(m => new RosterMember(m.Country, m.Lead)).ToListAsync(cancellationToken);
}
