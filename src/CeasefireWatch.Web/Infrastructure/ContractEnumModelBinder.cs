using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Form and query enums read as strictly as the API reads them (<see cref="ContractText.TryParseName{T}"/>): exactly
/// one of the names, case aside. MVC's own binder also takes numbers ("0") and comma lists ("Shelling, MissileStrike"
/// is their bitwise OR, MissileStrike), which stored a choice nobody made.
/// </summary>
public sealed class ContractEnumModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.Metadata.UnderlyingOrModelType;
        return type.IsEnum
            ? (IModelBinder)Activator.CreateInstance(typeof(ContractEnumModelBinder<>).MakeGenericType(type))!
            : null;
    }
}

public sealed class ContractEnumModelBinder<T> : IModelBinder
    where T : struct, Enum
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var result = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (result == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, result);
        var text = result.FirstValue;
        var metadata = bindingContext.ModelMetadata;
        if (string.IsNullOrWhiteSpace(text))
        {
            if (metadata.IsReferenceOrNullableType)
            {
                bindingContext.Result = ModelBindingResult.Success(null);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(
                    bindingContext.ModelName, metadata.ModelBindingMessageProvider.ValueMustNotBeNullAccessor(text ?? string.Empty));
                bindingContext.Result = ModelBindingResult.Failed();
            }

            return Task.CompletedTask;
        }

        if (ContractText.TryParseName<T>(text, out var value))
        {
            bindingContext.Result = ModelBindingResult.Success(value);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(
                bindingContext.ModelName,
                metadata.ModelBindingMessageProvider.AttemptedValueIsInvalidAccessor(text, metadata.GetDisplayName()));
            bindingContext.Result = ModelBindingResult.Failed();
        }

        return Task.CompletedTask;
    }
}
