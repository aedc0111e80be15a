using CeasefireWatch.Web.Domain;
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

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.CreateAsync(x => Incident.Log(command.Title!.Trim(), command.ToDetails(), x.Now, x.Actor, x.Policy), cancellationToken);
    }
}
