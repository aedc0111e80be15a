using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Maps the mediator's "no such thing" and "not allowed" outcomes to a page's 404 and 403 in one place,
/// so page handlers deal only with what they can show (field errors, rule messages). The API does the same
/// through <see cref="ProblemDetailsExceptionHandler"/>.
/// </summary>
public sealed class PageOutcomeFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is null || executed.ExceptionHandled)
        {
            return;
        }

        // A stale page or a hand-made post naming an incident, report, user or key that does not exist;
        // or a request the signed-in role may not make (a cookie whose role changed since the page was drawn).
        IActionResult? result = executed.Exception switch
        {
            NotFoundException => new NotFoundResult(),
            ForbiddenException => new ForbidResult(),
            _ => null,
        };
        if (result is not null)
        {
            executed.Result = result;
            executed.ExceptionHandled = true;
        }
    }
}
