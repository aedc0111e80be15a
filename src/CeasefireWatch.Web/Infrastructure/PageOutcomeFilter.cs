using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Maps the mediator's "no such thing" and "not allowed" outcomes to a page's 404 and 403 in one place,
/// so page handlers deal only with what they can show (field errors, rule messages). The API does the same
/// through <see cref="ProblemDetailsExceptionHandler"/>. A request no handler of the page answers is refused
/// here too, and a validation failure a handler left uncaught is a 400, never a 500.
/// </summary>
public sealed class PageOutcomeFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // When no handler matches the method (and the ?handler= name), Razor Pages draws the page without running one:
        // a page whose handler reads its model was drawn empty or failed (a 500). A POST under a name the page lacks is
        // a 404, one to a page with no plain POST a 405; a GET always has the page's OnGet or none at all.
        // The status and error pages, re-run with the failed request's method (a DELETE too), draw whatever they are given.
        if (context.HandlerMethod is null && !HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method)
            && context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null
            && context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>() is null)
        {
            context.Result = NoHandler(context);
            return;
        }

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
            // A hand-made post whose route or query value fails the request's rules (an id that is no number).
            FluentValidation.ValidationException => new BadRequestResult(),
            _ => null,
        };
        if (result is not null)
        {
            executed.Result = result;
            executed.ExceptionHandled = true;
        }
    }

    private static StatusCodeResult NoHandler(PageHandlerExecutingContext context)
    {
        var named = context.HttpContext.Request.Query.ContainsKey("handler") || context.RouteData.Values.ContainsKey("handler");
        if (named)
        {
            return new NotFoundResult();
        }

        // The methods the page answers without a handler name (GET always: a page without OnGet is drawn as it is).
        var methods = context.ActionDescriptor.HandlerMethods.Where(h => h.Name is null).Select(h => h.HttpMethod.ToUpperInvariant())
            .Append(HttpMethods.Get).Distinct()
            .SelectMany(m => m == HttpMethods.Get ? [m, HttpMethods.Head] : new[] { m });
        context.HttpContext.Response.Headers.Allow = string.Join(", ", methods);
        return new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
    }
}
