'use client';

import { startTransition, type FormEvent } from 'react';

/**
 * An onSubmit handler that runs the form action without React's automatic reset of uncontrolled fields,
 * so the admin's checkbox selection survives a refused or confirmed step. Without JavaScript the form
 * posts natively and this never runs.
 */
export function keepFieldsSubmit(formAction: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const formData = new FormData(event.currentTarget, submitter);
    startTransition(() => formAction(formData));
  };
}
