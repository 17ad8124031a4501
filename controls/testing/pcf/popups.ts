/// <reference types="powerapps-component-framework" />
/**
 * `factory.getPopupService()`: named popups a standard control creates with its own content
 * element, shown over the form (type 1 root popup, 2 nested), closed on an outside click when
 * asked. One service per control, its popups inside `host`.
 */
export function createPopupService(host: HTMLElement): ComponentFramework.FactoryApi.Popup.PopupService {
  const popups = new Map<string, { props: ComponentFramework.FactoryApi.Popup.Popup; element: HTMLElement }>();
  let popupsId = "";
  const place = (props: ComponentFramework.FactoryApi.Popup.Popup): HTMLElement => {
    const element = document.createElement("div");
    element.className = "pcf-popup";
    element.hidden = true;
    if (props.id !== undefined) element.id = props.id;
    element.append(props.content);
    host.append(element);
    return element;
  };
  const close = (name: string): void => {
    const popup = popups.get(name);
    if (popup !== undefined) popup.element.hidden = true;
  };
  document.addEventListener("mousedown", (event) => {
    for (const [name, popup] of popups) {
      if (
        !popup.element.hidden &&
        popup.props.closeOnOutsideClick === true &&
        event.target instanceof Node &&
        !popup.element.contains(event.target)
      )
        close(name);
    }
  });
  return {
    createPopup: (props) => {
      popups.set(props.name, { props, element: place(props) });
    },
    openPopup: (name) => {
      const popup = popups.get(name);
      if (popup === undefined) return;
      popup.element.hidden = false;
      if (popup.props.popupToOpen !== undefined) {
        const nested = popups.get(popup.props.popupToOpen);
        if (nested !== undefined) nested.element.hidden = false;
      }
    },
    closePopup: close,
    updatePopup: (name, newProps) => {
      const popup = popups.get(name);
      if (popup === undefined) return;
      popup.element.replaceChildren(newProps.content);
      popups.set(name, { props: newProps, element: popup.element });
    },
    deletePopup: (name) => {
      popups.get(name)?.element.remove();
      popups.delete(name);
    },
    setPopupsId: (id) => {
      popupsId = id;
      host.id = id;
    },
    getPopupsId: () => popupsId,
  };
}
