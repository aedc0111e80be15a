using System.Text.Json.Serialization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>A supervisor confirms one report of an incident, optionally saying how (for example "matched satellite imagery").</summary>
public static class VerifyReport
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(string? Details) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }

        [JsonIgnore]
        public long ReportId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Details).MaximumLength(IncidentLimits.Note);
    }

    public sealed class Handler(AppDbContext db, IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public async ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            await workflow.ActAsync(
                async ct =>
                {
                    var incident = await db.Incidents.GetForUpdateAsync(command.IncidentId, ct);

                    // Only the named report is needed; loading it through the incident keeps a report of another incident out.
                    await db.Entry(incident).Collection(i => i.Reports).Query()
                        .Where(r => r.Id == command.ReportId).LoadAsync(ct);
                    return incident.Reports.Any(r => r.Id == command.ReportId)
                        ? incident
                        : throw new NotFoundException($"{incident.Reference} has no report {command.ReportId}.");
                },
                (i, x) => i.VerifyReport(command.ReportId, command.Details?.Trim() ?? string.Empty, x.Now, x.Actor),
                cancellationToken);
    }
}
