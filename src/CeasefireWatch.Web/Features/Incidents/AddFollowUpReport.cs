using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Severity = CeasefireWatch.Web.Domain.Severity;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// A further report about an incident. A violation before the incident's T0 moves T0 earlier, and tiers
/// that fall due through that are entered at once.
/// </summary>
public static class AddFollowUpReport
{
    [RequiresPolicy(Policies.Report)]
    public sealed record Command(
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
        int? Wounded = null) : ICommand<IncidentDto>, IReportFields
    {
        /// <summary>Taken from the route, never from the body.</summary>
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock) => Include(new ReportFieldsValidator(clock));
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId, (incident, x) => incident.AddFollowUp(command.ToDetails(), x.Now, x.Actor, x.Policy), cancellationToken);
    }
}
