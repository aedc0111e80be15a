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
public sealed class IncidentWorkflow(
    AppDbContext db, TimeProvider clock, EscalationPolicy policy, ICurrentActor actor, IPublisher publisher, IncidentIntake intake)
{
    public async ValueTask<IncidentDto> ActAsync(
        int incidentId, Action<Incident, ActionContext> act, CancellationToken cancellationToken, bool withAnswers = false)
    {
        IQueryable<Incident> query = withAnswers ? db.Incidents.Include(i => i.Acknowledgements) : db.Incidents;
        var incident = await query.FirstOrDefaultAsync(i => i.Id == incidentId, cancellationToken) ?? throw NotFoundException.Incident(incidentId);
        return await CommitAsync(incident, act, cancellationToken);
    }

    /// <summary>For an incident the handler loaded itself (with more of it included).</summary>
    public ValueTask<IncidentDto> CommitAsync(Incident incident, Action<Incident, ActionContext> act, CancellationToken cancellationToken)
    {
        var context = Context();
        act(incident, context);
        return SaveAsync(incident, context, cancellationToken);
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

    /// <summary>Changes to several incidents at once (a merge), saved together; answers the first.</summary>
    public async ValueTask<IncidentDto> CommitAsync(Incident answer, Incident other, Action<ActionContext> act, CancellationToken cancellationToken)
    {
        var context = Context();
        act(context);
        await db.SaveChangesAsync(cancellationToken);
        await publisher.Publish(new IncidentChanged(other.Id), cancellationToken);
        await publisher.Publish(new IncidentChanged(answer.Id), cancellationToken);
        return IncidentDto.From(answer, context.Now, policy.ChecklistOverdueAfter);
    }

    private ActionContext Context() => new(clock.GetUtcNow().UtcDateTime, actor.Name, policy);

    private async ValueTask<IncidentDto> SaveAsync(Incident incident, ActionContext context, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        await publisher.Publish(new IncidentChanged(incident.Id), cancellationToken);
        return IncidentDto.From(incident, context.Now, policy.ChecklistOverdueAfter);
    }

    /// <summary>The coalition roster as the domain needs it, leads first.</summary>
    public async Task<IReadOnlyList<RosterMember>> RosterAsync(CancellationToken cancellationToken) =>
        await db.CoalitionMembers.AsNoTracking().OrderByDescending(m => m.Lead).ThenBy(m => m.Country)
            .Select(m => new RosterMember(m.Country, m.Lead)).ToListAsync(cancellationToken);
}
