using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Severity = CeasefireWatch.Web.Domain.Severity;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Log a new incident from its first violation report. Tiers already due are entered at once.</summary>
public static class LogIncident
{
    [RequiresPolicy(Policies.Report)]
    public sealed record Command(
        string? Title,
        DateTimeOffset? OccurredAt,
        string? Oblast,
        string? Location,
        ViolationType? ViolationType,
        Severity? Severity,
        SourceType? SourceType,
        string? Description,
        double? Latitude = null,
        double? Longitude = null,
        int? Killed = null,
        int? Wounded = null) : ICommand<IncidentDto>, IReportFields;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Title)
                .NotEmpty().WithMessage("Give the incident a title.")
                .MaximumLength(IncidentLimits.Title);
            Include(new ReportFieldsValidator(clock));
        }
    }

    public sealed class Handler(
        AppDbContext db, TimeProvider clock, EscalationPolicy policy, ICurrentActor actor, IPublisher publisher)
        : ICommandHandler<Command, IncidentDto>
    {
        public async ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken)
        {
            var incident = Incident.Log(
                command.Title!.Trim(), command.ToDetails(), clock.GetUtcNow().UtcDateTime, actor.Name, policy);
            db.Incidents.Add(incident);
            await db.SaveChangesAsync(cancellationToken);
            await publisher.Publish(new IncidentChanged(incident.Id), cancellationToken);
            return IncidentDto.From(incident);
        }
    }
}
